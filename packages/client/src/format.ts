// Node.js's `util.format` (lib/internal/util/inspect.js, formatWithOptionsInternal) over any
// `inspect`, for engines where node:util is costly to load: Deno (host-deno.ts) passes its own
// `Deno.inspect` with Node's defaults. Same placeholders, same rules for what is inspected and
// what is converted with String(), same joining of extra arguments.

export interface InspectOptions {
  depth?: number;
  showHidden?: boolean;
  showProxy?: boolean;
  compact?: number | boolean;
  colors?: boolean;
}

export type Inspect = (value: unknown, options?: InspectOptions) => string;

export function createFormat(inspect: Inspect): (...args: unknown[]) => string {
  return (...args) => formatWith(inspect, args);
}

function formatWith(inspect: Inspect, args: unknown[]): string {
  const first = args[0];
  let a = 0;
  let str = "";
  let join = "";
  if (typeof first === "string") {
    if (args.length === 1) return first;
    let tempStr: string;
    let lastPos = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (first.charCodeAt(i) !== 37) continue; // '%'
      const nextChar = first.charCodeAt(++i);
      if (a + 1 !== args.length) {
        switch (nextChar) {
          case 115: {
            // 's'
            const arg = args[++a];
            if (typeof arg === "number") tempStr = formatNumber(arg);
            else if (typeof arg === "bigint") tempStr = `${arg}n`;
            else if (typeof arg !== "object" || arg === null || !hasBuiltInToString(arg))
              tempStr = String(arg);
            else tempStr = inspect(arg, { compact: 3, colors: false, depth: 0 });
            break;
          }
          case 106: // 'j'
            tempStr = tryStringify(args[++a]);
            break;
          case 100: {
            // 'd'
            const arg = args[++a];
            if (typeof arg === "bigint") tempStr = `${arg}n`;
            else if (typeof arg === "symbol") tempStr = "NaN";
            else tempStr = formatNumber(Number(arg));
            break;
          }
          case 79: // 'O'
            tempStr = inspect(args[++a]);
            break;
          case 111: // 'o'
            tempStr = inspect(args[++a], { showHidden: true, showProxy: true, depth: 4 });
            break;
          case 105: {
            // 'i'
            const arg = args[++a];
            if (typeof arg === "bigint") tempStr = `${arg}n`;
            else if (typeof arg === "symbol") tempStr = "NaN";
            // biome-ignore lint/correctness/useParseIntRadix: as util.format: "0x1f" is 31
            else tempStr = formatNumber(Number.parseInt(arg as string));
            break;
          }
          case 102: {
            // 'f'
            const arg = args[++a];
            tempStr = typeof arg === "symbol" ? "NaN" : formatNumber(Number.parseFloat(arg as string));
            break;
          }
          case 99: // 'c'
            a += 1;
            tempStr = "";
            break;
          case 37: // '%'
            str += first.slice(lastPos, i);
            lastPos = i + 1;
            continue;
          default:
            // Any other character is not a placeholder.
            continue;
        }
        if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
        str += tempStr;
        lastPos = i + 1;
      } else if (nextChar === 37) {
        str += first.slice(lastPos, i);
        lastPos = i + 1;
      }
    }
    if (lastPos !== 0) {
      a++;
      join = " ";
      if (lastPos < first.length) str += first.slice(lastPos);
    }
  }
  while (a < args.length) {
    const value = args[a];
    str += join;
    str += typeof value !== "string" ? inspect(value) : value;
    join = " ";
    a++;
  }
  return str;
}

/** -0 prints as `-0`, as in Node. */
function formatNumber(value: number): string {
  return Object.is(value, -0) ? "-0" : `${value}`;
}

let builtInObjects: Set<string> | undefined;

/**
 * Whether `%s` should inspect the object (true) rather than call its own toString or
 * Symbol.toPrimitive (a class of the user's that defines one).
 */
function hasBuiltInToString(value: object): boolean {
  const target = value as Record<string | symbol, unknown>;
  let ownToString = (o: object) => Object.hasOwn(o, "toString");
  let ownToPrimitive = (o: object) => Object.hasOwn(o, Symbol.toPrimitive);
  if (typeof target.toString !== "function") {
    if (typeof target[Symbol.toPrimitive] !== "function") return true;
    if (Object.hasOwn(value, Symbol.toPrimitive)) return false;
    ownToString = () => false;
  } else if (Object.hasOwn(value, "toString")) {
    return false;
  } else if (typeof target[Symbol.toPrimitive] !== "function") {
    ownToPrimitive = () => false;
  } else if (Object.hasOwn(value, Symbol.toPrimitive)) {
    return false;
  }
  let pointer: object | null = value;
  do {
    pointer = Object.getPrototypeOf(pointer);
  } while (pointer !== null && !ownToString(pointer) && !ownToPrimitive(pointer));
  if (pointer === null) return true;
  builtInObjects ??= new Set(
    Object.getOwnPropertyNames(globalThis).filter((e) => /^[A-Z][a-zA-Z0-9]+$/.test(e)),
  );
  const descriptor = Object.getOwnPropertyDescriptor(pointer, "constructor");
  return (
    descriptor !== undefined &&
    typeof descriptor.value === "function" &&
    builtInObjects.has((descriptor.value as { name: string }).name)
  );
}

let circularErrorMessage: string | undefined;

/** `%j`: JSON, or `[Circular]` for a cycle, as Node does. */
function tryStringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    const firstLine = (e: unknown) => String((e as Error).message).split("\n", 1)[0];
    if (circularErrorMessage === undefined) {
      try {
        const a: Record<string, unknown> = {};
        a.a = a;
        JSON.stringify(a);
      } catch (circular) {
        circularErrorMessage = firstLine(circular);
      }
    }
    if ((error as Error).name === "TypeError" && firstLine(error) === circularErrorMessage)
      return "[Circular]";
    throw error;
  }
}
