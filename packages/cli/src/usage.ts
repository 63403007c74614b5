/**
 * What `--help` prints, and the one-line usage shown with every usage error. Kept in one place so
 * the help and the parser's option tables are easy to compare.
 */
import { ENGINE_NAMES, RUNTIMES } from "@lambkin/core";
import type { OptionSpec } from "./args.ts";

export const COMMANDS = ["start", "invoke", "list", "init", "event"] as const;
export type CommandName = (typeof COMMANDS)[number];

const common: Record<string, OptionSpec> = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
};

/** Flags that run a SAM/CloudFormation template or CDK output instead of (or with) a config. */
const templateOptions: Record<string, OptionSpec> = {
  template: { type: "string", short: "t" },
  "cdk-out": { type: "string" },
  stack: { type: "string" },
  "parameter-overrides": { type: "string" },
  "env-vars": { type: "string" },
  "skip-unsupported": { type: "boolean" },
};

export const OPTIONS: Record<CommandName | "top", Record<string, OptionSpec>> = {
  top: common,
  start: {
    ...common,
    config: { type: "string", short: "c" },
    port: { type: "string", short: "p" },
    "url-port": { type: "string" },
    host: { type: "string" },
    auth: { type: "string" },
    "log-format": { type: "string", choices: ["text", "json"] },
    "host-engine": { type: "string", choices: [...ENGINE_NAMES] },
    inspect: { type: "string" },
    ...templateOptions,
    "no-watch": { type: "boolean" },
    "no-sandbox": { type: "boolean" },
    sandbox: { type: "boolean" },
  },
  invoke: {
    ...common,
    payload: { type: "string" },
    event: { type: "string", short: "e" },
    endpoint: { type: "string" },
    config: { type: "string", short: "c" },
    auth: { type: "string" },
    "invocation-type": { type: "string", choices: ["RequestResponse", "Event", "DryRun"] },
    tail: { type: "boolean" },
    ...templateOptions,
  },
  event: {
    ...common,
    path: { type: "string" },
    method: { type: "string" },
    body: { type: "string" },
    bucket: { type: "string" },
    key: { type: "string" },
    region: { type: "string" },
  },
  list: {
    ...common,
    endpoint: { type: "string" },
    config: { type: "string", short: "c" },
    auth: { type: "string" },
  },
  init: {
    ...common,
    runtime: { type: "string", choices: [...RUNTIMES] },
    typescript: { type: "boolean" },
    javascript: { type: "boolean" },
    name: { type: "string" },
  },
};

export const USAGE: Record<CommandName | "top", string> = {
  top: `usage: lambkin <${COMMANDS.join("|")}> [options]   (lambkin <command> --help for details)`,
  start:
    "usage: lambkin start [--config FILE | --template FILE | --cdk-out DIR [--stack NAME]] [--parameter-overrides 'K=V …'] [--env-vars FILE] [--skip-unsupported] [--port N] [--url-port N] [--host ADDR] [--auth KEY_ID:SECRET] [--log-format text|json] [--host-engine node|bun|deno] [--inspect FUNCTION] [--no-watch] [--no-sandbox]",
  invoke:
    "usage: lambkin invoke <function> [--payload JSON | --payload @FILE | --payload - | --event FILE] [--endpoint URL | --config FILE | --template FILE | --cdk-out DIR] [--auth KEY_ID:SECRET] [--invocation-type RequestResponse|Event|DryRun] [--tail]",
  list: "usage: lambkin list [--endpoint URL | --config FILE] [--auth KEY_ID:SECRET]",
  event:
    "usage: lambkin event <apigateway-rest|apigateway-http|sqs|sns|s3-put|eventbridge|schedule|dynamodb-stream> [--path P] [--method M] [--body TEXT] [--bucket B] [--key K] [--region R]",
  init: "usage: lambkin init [--runtime node|bun|deno|provided] [--typescript | --javascript] [--name NAME]",
};

// Aligned with the other options' descriptions (column 27).
const ENDPOINT_HELP = `      --endpoint URL       the Invoke API of a running lambkin
  -c, --config FILE        or the one serving this config: its host and port
                           (default: $LAMBKIN_ENDPOINT, else ./lambkin.config.json's port, else
                           http://127.0.0.1:3001)
      --auth ID:SECRET     sign with these credentials (SigV4), as a lambkin started with --auth
                           requires (default: the config's auth, else AWS_ACCESS_KEY_ID and
                           AWS_SECRET_ACCESS_KEY when set)`;

export const HELP: Record<CommandName | "top", string> = {
  top: `lambkin — AWS Lambda on your own machine

${USAGE.top}

commands:
  start     serve the functions of lambkin.config.json (Invoke API and Function URLs)
  invoke    invoke a function and print its result (of a running lambkin, else once from the config)
  list      list the functions of a running lambkin
  init      create lambkin.config.json and a sample function in this folder
  event     print a sample event (API Gateway, SQS, SNS, S3, EventBridge, DynamoDB) to pipe into invoke

options:
  -h, --help       show help (also after a command: lambkin start --help)
  -v, --version    print lambkin's version
`,
  start: `${USAGE.start}

Serves every function of the config file. Prints one line containing "ready" and the Invoke API
URL once it accepts invokes, then the functions' logs. Ctrl-C stops it and every runtime process.

options:
  -c, --config FILE        lambkin.config.json, or a .ts/.js/.mjs file exporting the config as default
                           (default: ./lambkin.config.json)
  -t, --template FILE      an AWS SAM or CloudFormation template (YAML or JSON) to run as it is
                           (default without a config: .aws-sam/build/template.yaml, else template.yaml)
      --cdk-out DIR        a CDK output folder (cdk.out): every stack of its manifest.json
      --stack NAME         with --cdk-out: only this stack
      --parameter-overrides 'Name=Value …'
                           values for the template's Parameters (SAM's ParameterKey=…,ParameterValue=… too)
      --env-vars FILE      SAM's env file: {"LogicalId": {"VAR": "v"}, "Parameters": {"VAR": "v"}}
      --skip-unsupported   start without the functions whose runtime lambkin cannot run (one warning each)
  -p, --port N             Invoke API port (default: the config's port, else 3001; 0 picks a free one)
      --url-port N         Function URL port (default: the config's urlPort, else 3000)
      --host ADDR          address to listen on (default: the config's host, else 127.0.0.1)
      --auth ID:SECRET     require SigV4 requests signed with this access key id and secret (needed
                           with a --host other machines can reach, e.g. 0.0.0.0)
      --log-format F       text (default; coloured on a terminal, honours NO_COLOR/FORCE_COLOR) or json
                           (one JSON object per log record)
      --host-engine E      run lambkin itself on node, bun or deno (relaunches on the workspace's engine)
      --no-watch           do not reload a function when its files or the config file change
      --no-sandbox         run runtimes without the sandbox (bubblewrap's private /tmp, read-only
                           code and project folders, no home folder); --sandbox turns it back on
      --inspect FUNCTION   debug FUNCTION (or several, comma-separated): its engine's inspector on
                           127.0.0.1:9229 (the next free port for a later environment), one
                           environment at a time, its timeout waiting while a debugger is connected
  -h, --help               show this help
  -v, --version            print lambkin's version
`,
  invoke: `${USAGE.invoke}

Invokes <function> through the Invoke API and prints its result on stdout (pretty JSON on a
terminal, the exact bytes when piped). Exit status: 0 on success, 1 when the function failed or
the API refused the call, 2 on a usage error. When no lambkin runs on the config's port, the
function is started from the config, invoked once and stopped (like sam local invoke), with its
log (START, its output, END, REPORT) on stderr.

options:
      --payload P          the event: inline JSON, @FILE for a file's contents, or - for stdin (default: {})
  -e, --event FILE         the event from a file (the same as --payload @FILE)
${ENDPOINT_HELP}
      --invocation-type T  RequestResponse (default), Event (queue it, print nothing) or DryRun
      --tail               also print the invocation's log (the last 4 KB) on stderr
  -t, --template FILE      run the function once from a SAM/CloudFormation template (as sam local invoke);
                           without a config, the folder's template.yaml is used when nothing answers
      --cdk-out DIR        … or from CDK output (cdk.out)
      --stack NAME         with --cdk-out: the stack whose function it is
      --parameter-overrides 'Name=Value …'
                           values for the template's Parameters
      --env-vars FILE      SAM's env file: {"LogicalId": {"VAR": "v"}, "Parameters": {"VAR": "v"}}
      --skip-unsupported   leave out functions whose runtime lambkin cannot run
  -h, --help               show this help
  -v, --version            print lambkin's version
`,
  event: `${USAGE.event}

Prints a sample event of that type as JSON, shaped like AWS's own examples (as sam local
generate-event does), to edit or to pipe into lambkin invoke:

  lambkin event apigateway-http --path /orders/7 | lambkin invoke GetOrder --payload -

options:
      --path P             API Gateway: the request path (default /hello)
      --method M           API Gateway: the HTTP method (default GET, or POST with --body)
      --body TEXT          the request body (API Gateway), message (SQS, SNS), detail JSON (EventBridge)
      --bucket B           s3-put: the bucket (default example-bucket)
      --key K              s3-put: the object key (default test/key.txt; written URL-encoded, as S3 does)
      --region R           the region in ARNs (default us-east-1)
  -h, --help               show this help
  -v, --version            print lambkin's version
`,
  list: `${USAGE.list}

Lists the functions of a running lambkin: name, runtime, handler, timeout and memory.

options:
${ENDPOINT_HELP}
  -h, --help               show this help
  -v, --version            print lambkin's version
`,
  init: `${USAGE.init}

Creates lambkin.config.json and one sample function (functions/NAME/) in the working folder, then
prints the commands to start and invoke it. Writes nothing when any of its files already exists.

options:
      --runtime R          node (default), bun, deno, or provided (a bootstrap in sh + curl)
      --typescript         write the handler in TypeScript (index.ts; node runs it through tsx)
      --javascript         write the handler in JavaScript (the default)
      --name NAME          the function's name (default: hello)
  -h, --help               show this help
  -v, --version            print lambkin's version
`,
};
