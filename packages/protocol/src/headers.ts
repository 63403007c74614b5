/**
 * Header names of both protocols, lower-case as web `Headers` report them. HTTP header names are
 * case-insensitive; clients send them in the casing shown in the comments.
 */

// Runtime API: on a `next` reply.
/** `Lambda-Runtime-Aws-Request-Id` */
export const H_REQUEST_ID = "lambda-runtime-aws-request-id";
/** `Lambda-Runtime-Deadline-Ms`: epoch milliseconds as decimal text. */
export const H_DEADLINE_MS = "lambda-runtime-deadline-ms";
/** `Lambda-Runtime-Invoked-Function-Arn` */
export const H_FUNCTION_ARN = "lambda-runtime-invoked-function-arn";
/** `Lambda-Runtime-Trace-Id` */
export const H_TRACE_ID = "lambda-runtime-trace-id";
/** `Lambda-Runtime-Client-Context`: the decoded client context JSON. */
export const H_CLIENT_CONTEXT = "lambda-runtime-client-context";
/** `Lambda-Runtime-Cognito-Identity` */
export const H_COGNITO_IDENTITY = "lambda-runtime-cognito-identity";
/** `Lambda-Runtime-Aws-Tenant-Id` */
export const H_TENANT_ID = "lambda-runtime-aws-tenant-id";

// Runtime API: sent by the runtime.
/** `Lambda-Runtime-Function-Response-Mode`: `streaming` or absent. */
export const H_RESPONSE_MODE = "lambda-runtime-function-response-mode";
/** `Lambda-Runtime-Function-Error-Type`: optional on `/error`; a trailer of a failed stream. */
export const H_FUNCTION_ERROR_TYPE = "lambda-runtime-function-error-type";
/** `Lambda-Runtime-Function-Error-Body`: trailer of a failed stream, base64 of the error JSON. */
export const H_FUNCTION_ERROR_BODY = "lambda-runtime-function-error-body";
/** `Lambda-Runtime-Function-XRay-Error-Cause` */
export const H_XRAY_ERROR_CAUSE = "lambda-runtime-function-xray-error-cause";

// Invoke API: request.
/** `X-Amz-Invocation-Type`: RequestResponse | Event | DryRun. */
export const H_INVOCATION_TYPE = "x-amz-invocation-type";
/** `X-Amz-Log-Type`: None | Tail. */
export const H_LOG_TYPE = "x-amz-log-type";
/** `X-Amz-Client-Context`: base64 JSON. */
export const H_AMZ_CLIENT_CONTEXT = "x-amz-client-context";
/** `amz-sdk-invocation-id`: the same on every retry of one SDK/CLI call. */
export const H_SDK_INVOCATION_ID = "amz-sdk-invocation-id";
/** `X-Amz-Tenant-Id` */
export const H_AMZ_TENANT_ID = "x-amz-tenant-id";

// Invoke API: response.
/** `X-Amz-Function-Error`: `Unhandled` when the function failed (status stays 200). */
export const H_FUNCTION_ERROR = "x-amz-function-error";
/** `X-Amz-Log-Result`: base64 of the last 4 KB of the log. */
export const H_LOG_RESULT = "x-amz-log-result";
/** `X-Amz-Executed-Version` */
export const H_EXECUTED_VERSION = "x-amz-executed-version";
/** `x-amzn-RequestId`: the invocation's request id. */
export const H_AMZN_REQUEST_ID = "x-amzn-requestid";
/** `x-amzn-ErrorType`: the error's name on Invoke API errors. */
export const H_AMZN_ERROR_TYPE = "x-amzn-errortype";
/** `X-Amzn-Trace-Id` */
export const H_AMZN_TRACE_ID = "x-amzn-trace-id";

/** The content type of an error posted with an `errorCause` field inside the body. */
export const ERROR_CAUSE_CONTENT_TYPE = "application/vnd.aws.lambda.error.cause+json";
