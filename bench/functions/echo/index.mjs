// The benchmark's function: answers with its event, so the caller can check every byte came back.
// `{"sleepMs": n}` holds the answer n ms first: the bench sends a burst of those to make lambkin
// start as many environments as there are invokes in flight.
export const handler = async (event) => {
  if (event?.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  return event;
};

// The same answer after logging 100 lines (lambkin reads, tags and prints each one).
export const logs = async (event) => {
  for (let i = 0; i < 100; i++) console.log(`log line ${i} of 100 from the bench's logging function`);
  return event;
};
