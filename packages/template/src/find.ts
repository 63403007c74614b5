/**
 * Which template a folder holds, as SAM picks it: the output of `sam build` first (its CodeUris
 * point at the built code), then `template.yaml`, `template.yml`, `template.json`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

export const TEMPLATE_FILES = [
  ".aws-sam/build/template.yaml",
  "template.yaml",
  "template.yml",
  "template.json",
];

export function findTemplate(dir: string): string | undefined {
  return TEMPLATE_FILES.map((name) => join(dir, name)).find((file) => existsSync(file));
}
