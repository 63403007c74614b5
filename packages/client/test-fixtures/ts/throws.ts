// A TypeScript handler that throws: its stack trace must name this file and the line of the throw
// (line 18), though the JavaScript a loader makes of it has other lines (the types are gone).
interface Order {
  id: string;
  quantity: number;
}

enum Reason {
  Empty = "empty",
}

function check(order: Order): void {
  if (order.quantity > 0) return;
  const reason: Reason = Reason.Empty;
  const detail: string = `order ${order.id}`;
  void detail;
  // the throw below is line 18 of this file
  throw new Error(`bad order: ${reason}`);
}

export const handler = async (event: Partial<Order>): Promise<string> => {
  check({ id: event.id ?? "?", quantity: event.quantity ?? 0 });
  return "ok";
};
