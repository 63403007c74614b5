/**
 * A template lambkin cannot run. The message names the file, the resource's logical id and the
 * property, then what is wrong and how to fix it:
 * `template.yaml: HelloFunction.Properties.CodeUri: s3://… is an S3 location; lambkin runs local code…`
 */
export class TemplateError extends Error {
  override readonly name = "TemplateError";
  readonly file: string;
  readonly logicalId: string | undefined;
  readonly property: string | undefined;

  constructor(file: string, logicalId: string | undefined, property: string | undefined, message: string) {
    const where = [logicalId, property].filter((p) => p !== undefined).join(".");
    super(`${file}: ${where ? `${where}: ` : ""}${message}`);
    this.file = file;
    this.logicalId = logicalId;
    this.property = property;
  }
}
