/**
 * CDK output (`cdk synth` → `cdk.out/`): `manifest.json` lists the stacks; each stack's template
 * is converted like any template, with functions running from their asset folders
 * (`aws:asset:path` metadata, which is where a `NodejsFunction`'s bundle already sits).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { TemplateError } from "./errors.ts";
import { loadTemplate, type TemplateOptions, type TemplateProject } from "./load.ts";

interface StackArtifact {
  id: string;
  displayName: string;
  templateFile: string;
}

/** The stacks `manifest.json` lists (artifacts of type `aws:cloudformation:stack`). */
export function cdkStacks(dir: string): StackArtifact[] {
  const manifestFile = join(dir, "manifest.json");
  if (!existsSync(manifestFile)) {
    throw new TemplateError(
      manifestFile,
      undefined,
      undefined,
      "no CDK manifest here: run cdk synth first, or pass --cdk-out with the folder cdk synth wrote (cdk.out)",
    );
  }
  let manifest: {
    artifacts?: Record<
      string,
      { type?: string; displayName?: string; properties?: { templateFile?: string } }
    >;
  };
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  } catch (error) {
    throw new TemplateError(
      manifestFile,
      undefined,
      undefined,
      `not valid JSON: ${(error as Error).message}`,
    );
  }
  const stacks: StackArtifact[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type !== "aws:cloudformation:stack" || !artifact.properties?.templateFile) continue;
    stacks.push({
      id,
      displayName: artifact.displayName ?? id,
      templateFile: artifact.properties.templateFile,
    });
  }
  return stacks;
}

/** Every stack of a CDK output folder, or the one named by `stack` (its id or display name). */
export function loadCdkOut(dir: string, options: TemplateOptions & { stack?: string } = {}): TemplateProject {
  const root = resolve(dir);
  let stacks = cdkStacks(root);
  if (options.stack !== undefined) {
    stacks = stacks.filter((s) => s.id === options.stack || s.displayName === options.stack);
    if (stacks.length === 0) {
      throw new TemplateError(
        join(root, "manifest.json"),
        undefined,
        undefined,
        `no stack named "${options.stack}" (stacks: ${
          cdkStacks(root)
            .map((s) => s.id)
            .join(", ") || "none"
        })`,
      );
    }
  }
  const project: TemplateProject = { files: [], functions: {}, routes: [], warnings: [], origins: {} };
  for (const stack of stacks) {
    const one = loadTemplate(join(root, stack.templateFile), {
      ...options,
      stackName: options.stackName ?? stack.id,
    });
    for (const [name, fn] of Object.entries(one.functions)) {
      const prior = project.origins[name];
      if (prior) {
        const origin = one.origins[name]!;
        throw new TemplateError(
          origin.file,
          origin.logicalId,
          "Properties.FunctionName",
          `"${name}" is also a function of ${prior.file} (${prior.logicalId}): pick one stack with --stack`,
        );
      }
      project.functions[name] = fn;
      project.origins[name] = one.origins[name]!;
    }
    project.files.push(...one.files);
    project.routes.push(...one.routes);
    project.warnings.push(...one.warnings);
  }
  return project;
}
