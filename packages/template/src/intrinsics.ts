/**
 * CloudFormation's intrinsic functions, evaluated locally: `Ref`, `Fn::Sub`, `Fn::GetAtt`,
 * `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::If` with `Conditions`, `Fn::Equals`/`And`/`Or`/`Not`,
 * `Fn::FindInMap`, `Fn::Base64`, `Fn::Length`, `Fn::ToJsonString`, parameters and pseudo
 * parameters. What only a deployed stack knows (`Fn::ImportValue`, `{{resolve:…}}` secrets, an
 * attribute of a resource lambkin does not run) becomes an {@link Unresolved} value, which the
 * caller reports once and leaves unset.
 */
import { TemplateError } from "./errors.ts";

/** A value only a deployed stack knows; `reason` says which (for the one warning about it). */
export class Unresolved {
  constructor(readonly reason: string) {}
}

/** `Ref: AWS::NoValue`: the property is removed, as CloudFormation does. */
export const NO_VALUE: unique symbol = Symbol("AWS::NoValue");

export interface ResolveContext {
  file: string;
  /** Parameter values after defaults and overrides; Unresolved when a parameter has neither. */
  parameters: ReadonlyMap<string, unknown>;
  /** `AWS::Region`, `AWS::AccountId`, `AWS::StackName`, `AWS::Partition`, … */
  pseudo: Readonly<Record<string, string>>;
  conditions: Readonly<Record<string, unknown>>;
  mappings: Readonly<Record<string, unknown>>;
  resources: Readonly<Record<string, { Type?: unknown }>>;
  /** The physical name `Ref` gives for a resource (a function's lambkin name; else its logical id). */
  refOf(logicalId: string): string;
  /** `Fn::GetAtt`: a value lambkin knows (a function's `Arn`), or Unresolved. */
  attributeOf(logicalId: string, attribute: string): unknown;
}

/** Where a value sits, for messages: the resource and the property path inside it. */
export interface Where {
  logicalId: string | undefined;
  property: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const fail = (ctx: ResolveContext, at: Where, message: string): never => {
  throw new TemplateError(ctx.file, at.logicalId, at.property, message);
};

const KNOWN = new Set([
  "Ref",
  "Condition",
  "Fn::Sub",
  "Fn::GetAtt",
  "Fn::Join",
  "Fn::Select",
  "Fn::Split",
  "Fn::If",
  "Fn::Equals",
  "Fn::Not",
  "Fn::And",
  "Fn::Or",
  "Fn::FindInMap",
  "Fn::ImportValue",
  "Fn::Base64",
  "Fn::GetAZs",
  "Fn::Cidr",
  "Fn::Length",
  "Fn::ToJsonString",
  "Fn::Transform",
]);

/**
 * Resolves every intrinsic inside `value`. Objects and arrays are copied; `AWS::NoValue` entries
 * are dropped; an Unresolved part makes the enclosing string function Unresolved too.
 */
export function resolveValue(value: unknown, ctx: ResolveContext, at: Where): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    value.forEach((item, i) => {
      const resolved = resolveValue(item, ctx, { ...at, property: `${at.property}[${i}]` });
      if (resolved !== NO_VALUE) out.push(resolved);
    });
    return out;
  }
  if (typeof value === "string") return dynamicReference(value);
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const key = keys[0]!;
    if (key === "Ref" || key === "Condition" || key.startsWith("Fn::")) {
      if (!KNOWN.has(key)) {
        fail(ctx, at, `unknown intrinsic function ${key} (lambkin knows ${[...KNOWN].join(", ")})`);
      }
      // `Condition` as a single key is a condition reference only inside Conditions/Fn::If
      // arguments; elsewhere it is an ordinary property (a resource's own Condition is not here).
      if (key !== "Condition") return intrinsic(key, value[key], ctx, at);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const resolved = resolveValue(value[key], ctx, { ...at, property: `${at.property}.${key}` });
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

/** `{{resolve:ssm:…}}` and `{{resolve:secretsmanager:…}}` are read at deploy time from AWS. */
function dynamicReference(text: string): unknown {
  const match = /\{\{resolve:(ssm|ssm-secure|secretsmanager):([^}]*)\}\}/.exec(text);
  return match ? new Unresolved(`the dynamic reference {{resolve:${match[1]}:${match[2]}}}`) : text;
}

function intrinsic(key: string, arg: unknown, ctx: ResolveContext, at: Where): unknown {
  const where = { ...at, property: `${at.property}.${key}` };
  const sub = (v: unknown, suffix = "") =>
    resolveValue(v, ctx, { ...where, property: where.property + suffix });
  switch (key) {
    case "Ref": {
      if (typeof arg !== "string") fail(ctx, where, `Ref takes a name, got ${JSON.stringify(arg)}`);
      return ref(arg as string, ctx, where);
    }
    case "Fn::Sub":
      return substitute(arg, ctx, where);
    case "Fn::GetAtt": {
      let parts = arg;
      if (typeof parts === "string")
        parts = [parts.slice(0, parts.indexOf(".")), parts.slice(parts.indexOf(".") + 1)];
      if (!Array.isArray(parts) || parts.length !== 2) {
        fail(ctx, where, `Fn::GetAtt takes [LogicalId, Attribute], got ${JSON.stringify(arg)}`);
      }
      const [id, attribute] = (parts as unknown[]).map((p, i) => sub(p, `[${i}]`));
      if (typeof id !== "string" || !(id in ctx.resources)) {
        fail(ctx, where, `Fn::GetAtt names "${String(id)}", which is not a resource of this template`);
      }
      if (attribute instanceof Unresolved) return attribute;
      return ctx.attributeOf(id as string, String(attribute));
    }
    case "Fn::Join": {
      const [separator, list] = listArgs(arg, 2, key, ctx, where);
      const parts = sub(list, "[1]");
      if (!Array.isArray(parts))
        return parts instanceof Unresolved ? parts : fail(ctx, where, "Fn::Join takes a list to join");
      const bad = parts.find((p) => p instanceof Unresolved);
      if (bad) return bad;
      return parts.map((p) => scalarText(p, ctx, where)).join(String(separator));
    }
    case "Fn::Select": {
      const [index, list] = listArgs(arg, 2, key, ctx, where);
      const i = Number(sub(index, "[0]"));
      const items = sub(list, "[1]");
      if (items instanceof Unresolved) return items;
      if (!Array.isArray(items) || !Number.isInteger(i) || i < 0 || i >= items.length) {
        fail(ctx, where, `Fn::Select index ${i} is outside the list ${JSON.stringify(items)}`);
      }
      return (items as unknown[])[i];
    }
    case "Fn::Split": {
      const [separator, source] = listArgs(arg, 2, key, ctx, where);
      const text = sub(source, "[1]");
      if (text instanceof Unresolved) return text;
      return scalarText(text, ctx, where).split(String(separator));
    }
    case "Fn::If": {
      const [name, yes, no] = listArgs(arg, 3, key, ctx, where);
      return condition(String(name), ctx, where) ? sub(yes, "[1]") : sub(no, "[2]");
    }
    case "Fn::Equals": {
      const [a, b] = listArgs(arg, 2, key, ctx, where).map((v, i) => sub(v, `[${i}]`));
      if (a instanceof Unresolved) return a;
      if (b instanceof Unresolved) return b;
      return JSON.stringify(a) === JSON.stringify(b) || String(a) === String(b);
    }
    case "Fn::Not": {
      const [inner] = listArgs(arg, 1, key, ctx, where);
      return !truth(inner, ctx, where);
    }
    case "Fn::And":
    case "Fn::Or": {
      if (!Array.isArray(arg)) fail(ctx, where, `${key} takes a list of conditions`);
      const values = (arg as unknown[]).map((c) => truth(c, ctx, where));
      return key === "Fn::And" ? values.every(Boolean) : values.some(Boolean);
    }
    case "Fn::FindInMap": {
      const [map, top, second] = listArgs(arg, 3, key, ctx, where).map((v, i) => sub(v, `[${i}]`));
      const found = (ctx.mappings[String(map)] as Record<string, Record<string, unknown>> | undefined)?.[
        String(top)
      ]?.[String(second)];
      if (found === undefined) fail(ctx, where, `Fn::FindInMap: Mappings has no ${map}.${top}.${second}`);
      return found;
    }
    case "Fn::Base64": {
      const text = sub(arg);
      return text instanceof Unresolved
        ? text
        : btoa(unescape(encodeURIComponent(scalarText(text, ctx, where))));
    }
    case "Fn::Length": {
      const items = sub(arg);
      return Array.isArray(items) ? items.length : items;
    }
    case "Fn::ToJsonString": {
      const inner = sub(arg);
      return inner instanceof Unresolved ? inner : JSON.stringify(inner);
    }
    case "Fn::ImportValue": {
      const name = sub(arg);
      return new Unresolved(
        `Fn::ImportValue ${typeof name === "string" ? name : "(an export of another stack)"}`,
      );
    }
    default:
      // Fn::GetAZs, Fn::Cidr, Fn::Transform: networking and macros, which a local run has no use for.
      return new Unresolved(key);
  }
}

function listArgs(arg: unknown, count: number, key: string, ctx: ResolveContext, at: Where): unknown[] {
  if (!Array.isArray(arg) || arg.length !== count) {
    fail(ctx, at, `${key} takes a list of ${count}, got ${JSON.stringify(arg)}`);
  }
  return arg as unknown[];
}

function scalarText(value: unknown, ctx: ResolveContext, at: Where): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return String(value);
  return fail(ctx, at, `expected a string here, got ${JSON.stringify(value)}`);
}

function ref(name: string, ctx: ResolveContext, at: Where): unknown {
  if (name === "AWS::NoValue") return NO_VALUE;
  if (name in ctx.pseudo) return ctx.pseudo[name];
  if (name.startsWith("AWS::")) return new Unresolved(`the pseudo parameter ${name}`);
  if (ctx.parameters.has(name)) return ctx.parameters.get(name);
  if (name in ctx.resources) return ctx.refOf(name);
  return fail(ctx, at, `Ref "${name}" is neither a parameter nor a resource of this template`);
}

/** `Fn::Sub`: `${Name}`, `${Resource.Attribute}`, `${!Literal}`; with or without a variable map. */
function substitute(arg: unknown, ctx: ResolveContext, at: Where): unknown {
  let text: unknown = arg;
  const vars = new Map<string, unknown>();
  if (Array.isArray(arg)) {
    const [template, map] = listArgs(arg, 2, "Fn::Sub", ctx, at);
    text = template;
    if (!isObject(map)) fail(ctx, at, "Fn::Sub's second item must be a map of variables");
    for (const [k, v] of Object.entries(map as Record<string, unknown>)) {
      vars.set(k, resolveValue(v, ctx, { ...at, property: `${at.property}[1].${k}` }));
    }
  }
  if (typeof text !== "string") return fail(ctx, at, `Fn::Sub takes a string, got ${JSON.stringify(text)}`);
  let unresolved: Unresolved | undefined;
  const out = text.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    if (inner.startsWith("!")) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    let value: unknown;
    if (vars.has(name)) value = vars.get(name);
    else if (name.includes(".") && !name.startsWith("AWS::")) {
      const dot = name.indexOf(".");
      const id = name.slice(0, dot);
      if (!(id in ctx.resources)) fail(ctx, at, `Fn::Sub: \${${name}} names no resource of this template`);
      value = ctx.attributeOf(id, name.slice(dot + 1));
    } else value = ref(name, ctx, at);
    if (value instanceof Unresolved) {
      unresolved ??= value;
      return whole;
    }
    return scalarText(value, ctx, at);
  });
  return unresolved ?? dynamicReference(out);
}

const conditionCache = new WeakMap<ResolveContext, Map<string, boolean>>();

/** The value of a named condition from `Conditions` (evaluated once per template). */
export function condition(name: string, ctx: ResolveContext, at: Where): boolean {
  let cache = conditionCache.get(ctx);
  if (!cache) {
    cache = new Map();
    conditionCache.set(ctx, cache);
  }
  const known = cache.get(name);
  if (known !== undefined) return known;
  if (!(name in ctx.conditions)) fail(ctx, at, `condition "${name}" is not in the template's Conditions`);
  const value = truth(ctx.conditions[name], ctx, { logicalId: undefined, property: `Conditions.${name}` });
  cache.set(name, value);
  return value;
}

function truth(value: unknown, ctx: ResolveContext, at: Where): boolean {
  if (isObject(value) && Object.keys(value).length === 1 && "Condition" in value) {
    return condition(String(value.Condition), ctx, at);
  }
  const resolved = resolveValue(value, ctx, at);
  if (resolved instanceof Unresolved) {
    // A condition on something only AWS knows: taken as false, and said where.
    return false;
  }
  return resolved === true || resolved === "true";
}
