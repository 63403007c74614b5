// A debugger, as small as one gets: attaches to an inspector over its WebSocket (Chrome DevTools
// Protocol on Node and Deno, WebKit's on Bun; the methods used here are in both), enables the
// debugger, and holds every pause for HOLD_MS before resuming. Runs on Bun or Deno (a global
// WebSocket). Prints one JSON line per step.
//   bun cdp-pause.mjs ws://127.0.0.1:9229/<id> HOLD_MS
const [url, hold] = process.argv.slice(2);
const socket = new WebSocket(url);
let id = 0;
const answered = new Map();
/** Sends a command; resolves when the inspector has answered it (an error answer counts). */
const send = (method, params = {}) =>
  new Promise((resolve) => {
    answered.set(++id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });
socket.addEventListener("message", (message) => {
  const { id: answer, method } = JSON.parse(message.data);
  answered.get(answer)?.();
  if (method !== "Debugger.paused") return;
  console.log(JSON.stringify({ paused: Date.now() }));
  setTimeout(() => {
    send("Debugger.resume");
    console.log(JSON.stringify({ resumed: Date.now() }));
  }, Number(hold));
});
socket.addEventListener("error", () => {
  console.log(JSON.stringify({ error: `cannot connect to ${url}` }));
  process.exit(1);
});
await new Promise((resolve) => socket.addEventListener("open", resolve));
// Attached once the inspector has answered: a `debugger` statement run before would not stop.
await send("Debugger.enable");
// WebKit's protocol (Bun) stops at `debugger` statements only when asked; V8's answers with an error.
await send("Debugger.setPauseOnDebuggerStatements", { enabled: true });
await send("Debugger.setBreakpointsActive", { active: true });
console.log(JSON.stringify({ attached: Date.now() }));
