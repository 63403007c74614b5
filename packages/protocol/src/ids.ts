/** Identifiers Lambda hands out: request ids, trace ids, ARNs, log group and stream names. */

/** The account id lambkin reports in ARNs unless configured otherwise. */
export const DEFAULT_ACCOUNT_ID = "000000000000";
export const LATEST = "$LATEST";

const HEX = "0123456789abcdef";

// Random bytes are drawn 4 KB at a time: every invoke needs 20 of them for its trace id, and one
// getRandomValues call per id would cost a syscall each on the hot path.
const pool = new Uint8Array(4096);
let poolAt = pool.length;

/** `n` random lowercase hex digits. */
export function randomHex(n: number): string {
  const count = Math.ceil(n / 2);
  if (count > pool.length) throw new RangeError(`randomHex: at most ${pool.length * 2} digits, got ${n}`);
  if (poolAt + count > pool.length) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  let out = "";
  for (let i = poolAt; i < poolAt + count; i++) out += HEX[pool[i]! >> 4]! + HEX[pool[i]! & 15]!;
  poolAt += count;
  return out.slice(0, n);
}

/** A request id: a random UUID, as Lambda uses. */
export const newRequestId = (): string => crypto.randomUUID();

/**
 * An X-Ray trace header: `Root=1-<8 hex epoch seconds>-<24 hex>;Parent=<16 hex>;Sampled=0`.
 * Sampled is 0: lambkin sends nothing to X-Ray.
 */
export function newTraceId(nowMs: number = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, "0");
  return `Root=1-${seconds}-${randomHex(24)};Parent=${randomHex(16)};Sampled=0`;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` */
export function functionArn(region: string, accountId: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}${qualifier ? `:${qualifier}` : ""}`;
}

/** `/aws/lambda/<name>` */
export const logGroupName = (functionName: string): string => `/aws/lambda/${functionName}`;

/** `YYYY/MM/DD/[$LATEST]<32 hex>`, dated in UTC like Lambda's. */
export function newLogStreamName(nowMs: number = Date.now(), version: string = LATEST): string {
  const d = new Date(nowMs);
  const date = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${String(d.getUTCDate()).padStart(2, "0")}`;
  return `${date}/[${version}]${randomHex(32)}`;
}
