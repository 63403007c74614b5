/**
 * Reading a template file: JSON, or YAML with CloudFormation's short-form tags (`!Ref`, `!Sub`,
 * `!GetAtt`, …) turned into their long form (`{"Ref": …}`, `{"Fn::Sub": …}`), so the resolver
 * sees one shape whichever form the author wrote. YAML is parsed by the `yaml` package; only the
 * tags are ours.
 */
import { type CollectionTag, parseDocument, type ScalarTag, YAMLMap, YAMLSeq } from "yaml";
import { TemplateError } from "./errors.ts";

/** Short-form tags and the long-form key each becomes. `!Ref` and `!Condition` are not `Fn::`. */
const FUNCTION_TAGS: Record<string, string> = {
  Ref: "Ref",
  Condition: "Condition",
  Sub: "Fn::Sub",
  GetAtt: "Fn::GetAtt",
  Join: "Fn::Join",
  Select: "Fn::Select",
  Split: "Fn::Split",
  If: "Fn::If",
  Equals: "Fn::Equals",
  Not: "Fn::Not",
  And: "Fn::And",
  Or: "Fn::Or",
  FindInMap: "Fn::FindInMap",
  ImportValue: "Fn::ImportValue",
  Base64: "Fn::Base64",
  GetAZs: "Fn::GetAZs",
  Cidr: "Fn::Cidr",
  Length: "Fn::Length",
  ToJsonString: "Fn::ToJsonString",
  Transform: "Fn::Transform",
};

function tagsFor(name: string, key: string): Array<ScalarTag | CollectionTag> {
  const tag = `!${name}`;
  const scalar: ScalarTag = {
    tag,
    identify: () => false,
    resolve(value: string) {
      // `!GetAtt Resource.Attribute` is the one short form whose scalar is split.
      if (key === "Fn::GetAtt") {
        const dot = value.indexOf(".");
        return { [key]: dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
      }
      return { [key]: value };
    },
  };
  const seq: CollectionTag = {
    tag,
    collection: "seq",
    identify: () => false,
    nodeClass: YAMLSeq,
    resolve: (value) => ({ [key]: (value as YAMLSeq).toJSON() }) as unknown as YAMLSeq,
  };
  const map: CollectionTag = {
    tag,
    collection: "map",
    identify: () => false,
    nodeClass: YAMLMap,
    resolve: (value) => ({ [key]: (value as YAMLMap).toJSON() }) as unknown as YAMLMap,
  };
  return [scalar, seq, map];
}

const CUSTOM_TAGS = Object.entries(FUNCTION_TAGS).flatMap(([name, key]) => tagsFor(name, key));

/**
 * Parses template text. JSON is tried first when the text looks like it (`{` first); everything
 * else is YAML (which JSON also is, but JSON.parse gives better positions for JSON mistakes).
 */
export function parseTemplate(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  if (text.trimStart().startsWith("{")) {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new TemplateError(file, undefined, undefined, `not valid JSON: ${(error as Error).message}`);
    }
  } else {
    const doc = parseDocument(text, { customTags: CUSTOM_TAGS, uniqueKeys: true, prettyErrors: true });
    const [first] = doc.errors;
    if (first) {
      const where = first.linePos?.[0];
      const at = where ? `:${where.line}:${where.col}` : "";
      const reason = first.message.split("\n")[0];
      throw new TemplateError(`${file}${at}`, undefined, undefined, `not valid YAML: ${reason}`);
    }
    const unknownTag = doc.warnings.find((w) => w.code === "TAG_RESOLVE_FAILED");
    if (unknownTag) {
      const where = unknownTag.linePos?.[0];
      throw new TemplateError(
        `${file}${where ? `:${where.line}:${where.col}` : ""}`,
        undefined,
        undefined,
        `${unknownTag.message.split("\n")[0]} (CloudFormation's tags are ${Object.keys(FUNCTION_TAGS)
          .map((t) => `!${t}`)
          .join(", ")})`,
      );
    }
    value = doc.toJS({ maxAliasCount: 1000 });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TemplateError(
      file,
      undefined,
      undefined,
      "not a CloudFormation template: expected a mapping with Resources at the top",
    );
  }
  const template = value as Record<string, unknown>;
  if (typeof template.Resources !== "object" || template.Resources === null) {
    throw new TemplateError(file, undefined, "Resources", "a template needs a Resources section");
  }
  return template;
}
