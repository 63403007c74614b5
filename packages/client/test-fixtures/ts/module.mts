// An ES module in TypeScript (.mts).
type Event = { n: number };

export const handler = async (event: Event): Promise<{ ext: string; n: number }> => ({
  ext: "mts",
  n: event.n,
});
