// A TypeScript handler: type annotations that only a TypeScript-aware loader accepts.
interface GreetingEvent {
  name?: string;
}

interface Greeting {
  message: string;
  typed: boolean;
}

enum Mood {
  Happy = "happy",
}

export const handler = async (event: GreetingEvent): Promise<Greeting & { mood: Mood }> => {
  const name: string = event.name ?? "world";
  return { message: `hello ${name}`, typed: true, mood: Mood.Happy };
};
