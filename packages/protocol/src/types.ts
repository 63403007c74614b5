/** Shapes exchanged over the Invoke API and the Lambda control plane routes lambkin serves. */

/** What ListFunctions / GetFunction report for one function (the fields SDKs and the CLI show). */
export interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Runtime?: string;
  Role: string;
  Handler?: string;
  CodeSize: number;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  CodeSha256: string;
  Version: string;
  Environment?: { Variables: Record<string, string> };
  TracingConfig: { Mode: "PassThrough" };
  RevisionId: string;
  State: "Active";
  LastUpdateStatus: "Successful";
  PackageType: "Zip";
  Architectures: string[];
  EphemeralStorage: { Size: number };
  LoggingConfig: { LogFormat: "Text" | "JSON"; LogGroup: string };
}

/** The outcome of one invocation as a caller sees it. */
export interface InvokeOutput {
  /** 200 for a synchronous invoke (even when the function failed), 202 Event, 204 DryRun. */
  statusCode: number;
  /** The invocation's request id (the one the runtime saw). */
  requestId: string;
  /** The response bytes (the function's result, or its error JSON). */
  payload: Uint8Array;
  /** `Unhandled` when the function failed. */
  functionError?: "Unhandled";
  /** Base64 of the last 4 KB of the invocation's log, when asked for. */
  logResult?: string;
}
