/**
 * The keys of API Gateway's Lambda proxy events as AWS documents them ("Input format of a Lambda
 * function for proxy integration" for REST; "Working with AWS Lambda proxy integrations for HTTP
 * APIs" for payload 2.0), sorted: what the route tests and `lambkin event` are checked against.
 */
// Every key of a REST proxy event, and of its requestContext and identity, in AWS's examples.
export const REST_EVENT_KEYS = [
  "body",
  "headers",
  "httpMethod",
  "isBase64Encoded",
  "multiValueHeaders",
  "multiValueQueryStringParameters",
  "path",
  "pathParameters",
  "queryStringParameters",
  "requestContext",
  "resource",
  "stageVariables",
];
export const REST_CONTEXT_KEYS = [
  "accountId",
  "apiId",
  "domainName",
  "domainPrefix",
  "extendedRequestId",
  "httpMethod",
  "identity",
  "path",
  "protocol",
  "requestId",
  "requestTime",
  "requestTimeEpoch",
  "resourceId",
  "resourcePath",
  "stage",
];
export const IDENTITY_KEYS = [
  "accessKey",
  "accountId",
  "caller",
  "cognitoAuthenticationProvider",
  "cognitoAuthenticationType",
  "cognitoIdentityId",
  "cognitoIdentityPoolId",
  "principalOrgId",
  "sourceIp",
  "user",
  "userAgent",
  "userArn",
];
export const HTTP_CONTEXT_KEYS = [
  "accountId",
  "apiId",
  "domainName",
  "domainPrefix",
  "http",
  "requestId",
  "routeKey",
  "stage",
  "time",
  "timeEpoch",
];
