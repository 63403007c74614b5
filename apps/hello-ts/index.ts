// hello-ts: a Lambda function for Node.js written in TypeScript, run with no build step (lambkin's
// runtime loads .ts files through tsx on Node 20). It totals an order and rejects a bad one with a
// typed error whose stack trace points at the lines of this file.
import type { Context } from "@lambkin/client";

interface Line {
  item: string;
  price: number;
  quantity: number;
}

interface OrderEvent {
  lines?: Line[];
}

export class InvalidOrder extends Error {
  override readonly name = "InvalidOrder";
}

function total(lines: readonly Line[]): number {
  if (lines.length === 0) throw new InvalidOrder("an order needs at least one line");
  return lines.reduce((sum, line) => sum + line.price * line.quantity, 0);
}

export async function handler(event: OrderEvent, context: Context) {
  const lines = event.lines ?? [];
  return {
    items: lines.length,
    total: total(lines),
    node: process.version,
    requestId: context.awsRequestId,
  };
}
