/**
 * What `lambkin start` serves: a `lambkin.config.json`, a SAM/CloudFormation template, CDK output,
 * or a config that names a template and overrides some of its functions' settings (engine, …).
 * Without a config file in the folder, a template there is used, `.aws-sam/build/template.yaml`
 * first, as SAM picks it.
 */
import { existsSync, readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { FunctionConfig, LambkinConfig, RouteConfig } from "@lambkin/core";
import {
  findTemplate,
  loadCdkOut,
  loadTemplate,
  parseParameterOverrides,
  TemplateError,
  type TemplateOptions,
  type TemplateProject,
} from "@lambkin/template";
import { CliError, UsageError } from "./args.ts";
import { ConfigFileError, DEFAULT_CONFIG_FILES, type LoadedConfig, loadConfig } from "./config-file.ts";

/** Keys a lambkin config may hold to name a template; lambkin reads them, core never sees them. */
export interface TemplateKeys {
  /** A SAM/CloudFormation template, relative to the config file. */
  template?: string;
  /** A CDK output folder (`cdk.out`), relative to the config file. */
  cdkOut?: string;
  /** The CDK stack to run (default: every stack of `cdkOut`). */
  stack?: string;
  parameterOverrides?: Record<string, string>;
  /** SAM's env file (`{"<LogicalId>": {…}, "Parameters": {…}}`), relative to the config file. */
  envVars?: string;
  skipUnsupported?: boolean;
}

export interface Project {
  config: LambkinConfig;
  /** Folder relative paths of `config` start from. */
  baseDir: string;
  /** The file(s) read, relative to the working directory, for the ready line and errors. */
  shownFile: string;
  /** The templates read (empty for a plain config). */
  templates: string[];
  /** Printed once each at start. */
  warnings: string[];
  /** API Gateway routes from the template (also in `config.routes`). */
  routes: RouteConfig[];
}

export interface ProjectFlags {
  config?: string;
  template?: string;
  cdkOut?: string;
  stack?: string;
  parameterOverrides?: string;
  envVars?: string;
  skipUnsupported?: boolean;
}

/** The template flags of `start` and `invoke`, as parsed. */
export function projectFlags(
  values: Record<string, string | boolean | undefined>,
  command: string,
): ProjectFlags {
  const flags: ProjectFlags = {};
  const text = (name: string) => values[name] as string | undefined;
  if (text("config") !== undefined) flags.config = text("config")!;
  if (text("template") !== undefined) flags.template = text("template")!;
  if (text("cdk-out") !== undefined) flags.cdkOut = text("cdk-out")!;
  if (text("stack") !== undefined) flags.stack = text("stack")!;
  if (text("parameter-overrides") !== undefined) flags.parameterOverrides = text("parameter-overrides")!;
  if (text("env-vars") !== undefined) flags.envVars = text("env-vars")!;
  if (values["skip-unsupported"]) flags.skipUnsupported = true;
  if (flags.stack !== undefined && flags.template !== undefined) {
    throw new UsageError(
      "--stack picks a stack of --cdk-out; with --template, the template is the stack",
      command,
    );
  }
  return flags;
}

const TEMPLATE_KEYS = [
  "template",
  "cdkOut",
  "stack",
  "parameterOverrides",
  "envVars",
  "skipUnsupported",
] as const;

export async function loadProject(flags: ProjectFlags, cwd: string = process.cwd()): Promise<Project> {
  const show = (file: string) => relative(cwd, file) || file;
  const hasConfig =
    flags.config !== undefined || DEFAULT_CONFIG_FILES.some((name) => existsSync(resolve(cwd, name)));
  const flagTemplate = flags.template !== undefined || flags.cdkOut !== undefined;
  if (flags.template !== undefined && flags.cdkOut !== undefined) {
    throw new UsageError("--template and --cdk-out both name what to run: give one", "start");
  }
  if (!hasConfig && !flagTemplate && !findTemplate(cwd)) {
    throw new ConfigFileError(
      `no lambkin.config.json or template.yaml in ${cwd} (create one, or pass --config FILE, --template FILE or --cdk-out DIR)`,
    );
  }

  let config: LambkinConfig & TemplateKeys = { functions: {} };
  let baseDir = cwd;
  let configFile: string | undefined;
  if (hasConfig) {
    const loaded = await loadConfig(flags.config, cwd);
    config = { ...(loaded.config as LambkinConfig & TemplateKeys) };
    baseDir = loaded.baseDir;
    configFile = loaded.file;
  }
  const fromConfig = (path: string | undefined) => (path === undefined ? undefined : resolve(baseDir, path));
  // A flag (from the working folder) beats the config's key (from its folder); either flag
  // overrides both of the config's keys.
  const named = (flag: string | undefined, key: string | undefined) =>
    flag !== undefined ? resolve(cwd, flag) : flagTemplate ? undefined : fromConfig(key);
  const templateFile = named(flags.template, config.template);
  const cdkOut = named(flags.cdkOut, config.cdkOut);
  const discovered = !hasConfig && !flagTemplate ? findTemplate(cwd) : undefined;

  const file = templateFile ?? discovered;
  let project: TemplateProject | undefined;
  if (file !== undefined || cdkOut !== undefined) {
    const options: TemplateOptions = {
      parameterOverrides: {
        ...config.parameterOverrides,
        ...(flags.parameterOverrides !== undefined ? overrides(flags.parameterOverrides) : {}),
      },
      skipUnsupported: flags.skipUnsupported ?? config.skipUnsupported ?? false,
    };
    if (config.region !== undefined) options.region = config.region;
    if (config.accountId !== undefined) options.accountId = config.accountId;
    const envVars = flags.envVars !== undefined ? resolve(cwd, flags.envVars) : fromConfig(config.envVars);
    if (envVars !== undefined) options.envVars = readEnvVars(envVars);
    try {
      if (file !== undefined && !existsSync(file)) throw new ConfigFileError(`no template at ${file}`);
      project =
        file !== undefined
          ? loadTemplate(file, options)
          : loadCdkOut(cdkOut!, {
              ...options,
              ...((flags.stack ?? config.stack) ? { stack: (flags.stack ?? config.stack)! } : {}),
            });
    } catch (error) {
      if (error instanceof TemplateError) throw new CliError(relativeMessage(error.message, cwd));
      throw error;
    }
  }

  for (const key of TEMPLATE_KEYS) delete config[key];
  if (!project) {
    return { config, baseDir, shownFile: show(configFile!), templates: [], warnings: [], routes: [] };
  }
  // The template's functions, with the config's settings for each over them; a function only the
  // config has is added as it is.
  const functions: Record<string, FunctionConfig> = { ...project.functions };
  for (const [name, own] of Object.entries(config.functions ?? {})) {
    const base = functions[name];
    functions[name] = base
      ? { ...base, ...own, environment: { ...base.environment, ...own.environment } }
      : own;
  }
  const templates = project.files.map(show);
  const shownFile = configFile ? `${show(configFile)} (${templates.join(", ")})` : templates.join(", ");
  return {
    config: { ...config, functions, routes: [...project.routes, ...(config.routes ?? [])] },
    baseDir,
    shownFile,
    templates,
    warnings: project.warnings.map((w) => relativeMessage(w, cwd)),
    routes: project.routes,
  };
}

/**
 * The project a one-shot `lambkin invoke` runs: a config or a template, as `start` would read it,
 * without its routes (only the invoked function is started). Warnings go to stderr.
 */
export async function projectToRun(
  flags: ProjectFlags,
  out: { stderr(text: string): void },
): Promise<LoadedConfig> {
  const cwd = process.cwd();
  const project = await loadProject(flags, cwd);
  for (const warning of project.warnings) out.stderr(`lambkin: warning: ${warning}\n`);
  const shown = project.templates[0] ?? project.shownFile;
  return { config: { ...project.config, routes: [] }, file: resolve(cwd, shown), baseDir: project.baseDir };
}

function overrides(text: string): Record<string, string> {
  try {
    return parseParameterOverrides(text);
  } catch (error) {
    throw new UsageError((error as Error).message, "start");
  }
}

function readEnvVars(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigFileError(
      `--env-vars: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigFileError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigFileError(
      `${file}: expected SAM's shape, {"FunctionLogicalId": {"VAR": "value"}, "Parameters": {"VAR": "value"}}`,
    );
  }
  return value as Record<string, unknown>;
}

/** Template messages start with an absolute path; the user reads it relative to where they are. */
function relativeMessage(message: string, cwd: string): string {
  return message.split(`${cwd}/`).join("");
}
