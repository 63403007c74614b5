/**
 * @lambkin/template: AWS SAM and CloudFormation templates (and CDK's `cdk.out`) as lambkin config —
 * functions, local layers and API Gateway routes, with intrinsic functions resolved locally.
 */
export { cdkStacks, loadCdkOut } from "./cdk.ts";
export { TemplateError } from "./errors.ts";
export { findTemplate, TEMPLATE_FILES } from "./find.ts";
export { NO_VALUE, Unresolved } from "./intrinsics.ts";
export {
  convertTemplate,
  loadTemplate,
  parseParameterOverrides,
  type TemplateOptions,
  type TemplateProject,
} from "./load.ts";
export { parseTemplate } from "./parse.ts";
