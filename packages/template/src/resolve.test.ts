// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} here is CloudFormation's Fn::Sub syntax
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mergeGlobals } from "./functions.ts";
import { convertTemplate, parseParameterOverrides } from "./load.ts";
import { parseTemplate } from "./parse.ts";

// The resolver on templates written here: each intrinsic in its short (YAML tag) and long form,
// parameters, conditions, and what is left unresolved. Functions need a real code folder, so one
// is made once.

const dir = mkdtempSync(join(tmpdir(), "lambkin-template-unit-"));
mkdirSync(join(dir, "src"));
writeFileSync(join(dir, "src/app.js"), "exports.handler = async () => 1;\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, "template.yaml");

/** The environment a template gives function `Fn` (its Properties.Environment.Variables). */
function env(yaml: string, options: Parameters<typeof convertTemplate>[2] = {}) {
  const project = convertTemplate(parseTemplate(yaml, file), file, options);
  return { env: project.functions.Fn?.environment ?? {}, warnings: project.warnings, project };
}

const withVars = (vars: string, head = "") =>
  `${head}
Resources:
  Other:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: src/, Handler: app.handler, Runtime: nodejs22.x, FunctionName: other-fn }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: nodejs22.x
      Environment:
        Variables:
${vars
  .trim()
  .split("\n")
  .map((l) => `          ${l}`)
  .join("\n")}
`;

describe("intrinsic functions", () => {
  it("short and long forms give the same values", () => {
    const { env: e } = env(
      withVars(
        `
A: !Ref Name
B: { Ref: Name }
C: !Sub "\${Name}-\${AWS::Region}"
D: { "Fn::Sub": ["\${X}/\${Name}", { X: !Ref AWS::AccountId }] }
E: !GetAtt Other.Arn
F: { "Fn::GetAtt": [Other, Arn] }
G: !Join [":", [a, !Ref Name, c]]
H: !Select [1, [x, y, z]]
I: !Select [0, !Split [",", "p,q"]]
J: !Sub "literal \${!NotAVariable}"
K: !Base64 hi
L: !FindInMap [Settings, !Ref Name, Size]
M: !Sub "\${Other.Arn}"
N: !Ref Other
`,
        "Parameters:\n  Name: { Type: String, Default: orders }\nMappings:\n  Settings:\n    orders: { Size: 3 }\n",
      ),
    );
    expect(e).toEqual({
      A: "orders",
      B: "orders",
      C: "orders-us-east-1",
      D: "000000000000/orders",
      E: "arn:aws:lambda:us-east-1:000000000000:function:other-fn",
      F: "arn:aws:lambda:us-east-1:000000000000:function:other-fn",
      G: "a:orders:c",
      H: "y",
      I: "p",
      J: "literal ${NotAVariable}",
      K: "aGk=",
      L: "3",
      M: "arn:aws:lambda:us-east-1:000000000000:function:other-fn",
      N: "other-fn",
    });
  });

  it("Fn::If follows Conditions (Equals, And, Or, Not, Condition), and AWS::NoValue removes a value", () => {
    const head = `Parameters:
  Stage: { Type: String, Default: dev }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [{ Condition: IsProd }]
  Both: !And [{ Condition: IsDev }, !Equals [a, a]]
  Either: !Or [{ Condition: IsProd }, { Condition: Both }]
`;
    const vars = `
MODE: !If [IsProd, production, development]
BOTH: !If [Both, "yes", "no"]
EITHER: !If [Either, "yes", "no"]
ONLY_PROD: !If [IsProd, "set", !Ref AWS::NoValue]
`;
    expect(env(withVars(vars, head)).env).toEqual({ MODE: "development", BOTH: "yes", EITHER: "yes" });
    expect(env(withVars(vars, head), { parameterOverrides: { Stage: "prod" } }).env).toEqual({
      MODE: "production",
      BOTH: "no",
      EITHER: "yes",
      ONLY_PROD: "set",
    });
  });

  it("pseudo parameters take the region, account and stack name given", () => {
    const { env: e } = env(
      withVars('W: !Sub "${AWS::Region}/${AWS::AccountId}/${AWS::StackName}/${AWS::Partition}"'),
      {
        region: "eu-west-1",
        accountId: "111122223333",
        stackName: "shop",
      },
    );
    expect(e.W).toBe("eu-west-1/111122223333/shop/aws");
  });

  it("what only AWS knows is left unset and said once per resource and property", () => {
    const { env: e, warnings } = env(
      withVars(`
I: !ImportValue other-stack-bucket
S: "{{resolve:secretsmanager:db-password:SecretString:password}}"
T: !GetAtt Table.Arn
OK: plain
`).replace("Resources:\n", "Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n"),
    );
    expect(e).toEqual({ OK: "plain" });
    expect(warnings).toEqual([
      `${file}: Fn.Properties.Environment.Variables.I: not resolvable locally (Fn::ImportValue other-stack-bucket); left unset`,
      `${file}: Fn.Properties.Environment.Variables.S: not resolvable locally (the dynamic reference {{resolve:secretsmanager:db-password:SecretString:password}}); left unset`,
      `${file}: Fn.Properties.Environment.Variables.T: not resolvable locally (Fn::GetAtt Table.Arn); left unset`,
    ]);
  });

  it("a CommaDelimitedList parameter is a list; an override outside AllowedValues is refused", () => {
    const head =
      "Parameters:\n  Zones: { Type: CommaDelimitedList, Default: 'a, b' }\n  Size: { Type: String, Default: s, AllowedValues: [s, m] }\n";
    expect(env(withVars("Z: !Join ['+', !Ref Zones]", head)).env).toEqual({ Z: "a+b" });
    expect(() => env(withVars("Z: !Ref Size", head), { parameterOverrides: { Size: "xl" } })).toThrow(
      `${file}: Parameters.Size: "xl" is not one of its AllowedValues (s, m)`,
    );
    expect(() => env(withVars("Z: !Ref Size", head), { parameterOverrides: { Nope: "1" } })).toThrow(
      `--parameter-overrides names "Nope", which the template does not declare (it declares Zones, Size)`,
    );
  });

  it("refuses an unknown intrinsic and a Ref to nothing, naming resource and property", () => {
    expect(() => env(withVars('X: { "Fn::Upper": [a] }'))).toThrow(
      `${file}: Fn.Properties.Environment.Variables.X: unknown intrinsic function Fn::Upper`,
    );
    expect(() => env(withVars("X: !Ref Missing"))).toThrow(
      `${file}: Fn.Properties.Environment.Variables.X.Ref: Ref "Missing" is neither a parameter nor a resource of this template`,
    );
  });
});

describe("templates", () => {
  it("reads JSON and YAML alike, and says where YAML is broken", () => {
    const json = parseTemplate(
      '{"Resources": {"A": {"Type": "X", "Properties": {"V": {"Fn::GetAtt": ["B", "Arn"]}}}}}',
      file,
    );
    const yaml = parseTemplate(
      "Resources:\n  A:\n    Type: X\n    Properties:\n      V: !GetAtt B.Arn\n",
      file,
    );
    expect(yaml).toEqual(json);
    expect(() => parseTemplate("Resources:\n  A: [1,\n", file)).toThrow(
      /^.*template\.yaml:\d+:\d+: not valid YAML: /,
    );
    expect(() => parseTemplate("Resources:\n  A: !Nope x\n", file)).toThrow(/!Nope/);
    expect(() => parseTemplate("just: text\n", file)).toThrow("a template needs a Resources section");
  });

  it("merges Globals as SAM does: maps key by key, lists added, scalars replaced", () => {
    expect(
      mergeGlobals(
        { Timeout: 3, Environment: { Variables: { A: "1", B: "2" } }, Layers: ["g"] },
        { Timeout: 9, Environment: { Variables: { B: "3" } }, Layers: ["own"] },
      ),
    ).toEqual({ Timeout: 9, Environment: { Variables: { A: "1", B: "3" } }, Layers: ["g", "own"] });
  });

  it("says once that a nested stack is not run", () => {
    const { warnings } = env(
      `${withVars("A: b")}  Nested:\n    Type: AWS::Serverless::Application\n    Properties: { Location: nested.yaml }\n`,
    );
    expect(warnings).toEqual([
      `${file}: Nested: a nested stack (AWS::Serverless::Application) is not run; start its template on its own (--template)`,
    ]);
  });

  it("a function whose Condition is false is not started", () => {
    const { project } = env(
      `${withVars("A: b")}  Gated:\n    Type: AWS::Serverless::Function\n    Condition: Never\n    Properties: { CodeUri: src/, Handler: app.handler, Runtime: nodejs22.x }\nConditions:\n  Never: !Equals [a, b]\n`,
    );
    expect(Object.keys(project.functions)).toEqual(["other-fn", "Fn"]);
  });
});

describe("--parameter-overrides", () => {
  it("takes SAM's two forms and quoted values", () => {
    expect(parseParameterOverrides("Stage=prod Name='two words' ParameterKey=Size,ParameterValue=m")).toEqual(
      {
        Stage: "prod",
        Name: "two words",
        Size: "m",
      },
    );
    expect(() => parseParameterOverrides("Stage")).toThrow(
      'Name=Value pairs separated by spaces, got "Stage"',
    );
  });
});

describe("EventInvokeConfig", () => {
  const functions = (extra: string) => `
Resources:
  Audit:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: src/, Handler: app.handler, Runtime: nodejs22.x }
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: nodejs22.x
${extra}`;
  const convert = (yaml: string) => convertTemplate(parseTemplate(yaml, file), file);

  it("wires SAM's Lambda destinations in the template and warns once about the others", () => {
    const project = convert(
      functions(`      EventInvokeConfig:
        MaximumRetryAttempts: 1
        MaximumEventAgeInSeconds: 120
        DestinationConfig:
          OnSuccess: { Type: Lambda, Destination: !GetAtt Audit.Arn }
          OnFailure: { Type: SQS, Destination: arn:aws:sqs:us-east-1:123456789012:failed }
`),
    );
    expect(project.functions.Orders).toMatchObject({
      maximumRetryAttempts: 1,
      maximumEventAgeInSeconds: 120,
      destinations: { onSuccess: { function: "Audit" } },
    });
    expect(project.functions.Orders!.destinations).not.toHaveProperty("onFailure");
    expect(project.warnings).toEqual([
      `${file}: Orders.Properties.EventInvokeConfig.DestinationConfig.OnFailure: the SQS destination is not run locally; its records are not sent`,
    ]);
  });

  it("applies an AWS::Lambda::EventInvokeConfig resource (CloudFormation, CDK) to its function", () => {
    const project = convert(
      `${functions("")}
  OrdersInvokeConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref Orders
      Qualifier: $LATEST
      MaximumRetryAttempts: 0
      DestinationConfig:
        OnFailure: { Destination: !GetAtt Audit.Arn }
        OnSuccess: { Destination: !Sub "arn:aws:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/default" }
`,
    );
    expect(project.functions.Orders).toMatchObject({
      maximumRetryAttempts: 0,
      destinations: { onFailure: { function: "Audit" } },
    });
    expect(project.warnings).toEqual([
      `${file}: OrdersInvokeConfig.Properties.DestinationConfig.OnSuccess: the EVENTS destination is not run locally; its records are not sent`,
    ]);
  });
});

describe("EphemeralStorage", () => {
  const convert = (yaml: string, options: Parameters<typeof convertTemplate>[2] = {}) =>
    convertTemplate(parseTemplate(yaml, file), file, options).functions;
  /** Function `Fn` with more properties (YAML lines indented six spaces), after `head`. */
  const sam = (props: string, head = "") => `${withVars("A: b", head)}${props}`;

  it("Size becomes ephemeralStorage: on the function, from Globals.Function, on AWS::Lambda::Function", () => {
    expect(convert(sam("      EphemeralStorage: { Size: 2048 }\n")).Fn?.ephemeralStorage).toBe(2048);
    const globals = "Globals:\n  Function:\n    EphemeralStorage:\n      Size: 1024\n";
    expect(convert(sam("", globals)).Fn?.ephemeralStorage).toBe(1024);
    // The function's own Size wins over the global one.
    expect(convert(sam("      EphemeralStorage: { Size: 10240 }\n", globals)).Fn?.ephemeralStorage).toBe(
      10240,
    );
    const cfn =
      "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: { Code: src/, Handler: app.handler, Runtime: nodejs22.x, EphemeralStorage: { Size: 512 } }\n";
    expect(convert(cfn).Fn?.ephemeralStorage).toBe(512);
    // Without it, lambkin's default applies (512, as on Lambda).
    expect(convert(sam("")).Fn).not.toHaveProperty("ephemeralStorage");
  });

  it("takes a Size from a parameter (a string, as CloudFormation passes it)", () => {
    const head = "Parameters:\n  TmpMB: { Type: Number, Default: 4096 }\n";
    const yaml = sam("      EphemeralStorage: { Size: !Ref TmpMB }\n", head);
    expect(convert(yaml).Fn?.ephemeralStorage).toBe(4096);
    expect(convert(yaml, { parameterOverrides: { TmpMB: "768" } }).Fn?.ephemeralStorage).toBe(768);
  });

  it("refuses a Size out of Lambda's range or not a whole number, naming resource, property and range", () => {
    for (const [size, shown] of [
      ["511", "511"],
      ["10241", "10241"],
      ["1.5", "1.5"],
      ["big", '"big"'],
    ]) {
      expect(() => convert(sam(`      EphemeralStorage: { Size: ${size} }\n`))).toThrow(
        `${file}: Fn.Properties.EphemeralStorage.Size: must be a whole number 512–10240 (MB of the function's /tmp, as on Lambda; leave EphemeralStorage out for the default 512), got ${shown}`,
      );
    }
    expect(() => convert(sam("      EphemeralStorage: 1024\n"))).toThrow(
      `${file}: Fn.Properties.EphemeralStorage: must be { Size: <MB> } (512–10240), got 1024`,
    );
  });
});
