// A CommonJS module in TypeScript (.cts).
type Event = { n: number };

const handler = async (event: Event): Promise<{ ext: string; n: number }> => ({ ext: "cts", n: event.n });

module.exports = { handler };
