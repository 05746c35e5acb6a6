import { checksum, greet, shout } from "./greetings.js";

/** Sync code: every call gives its value. */
function cli() {
  const text = greet("sync code");
  console.log(text);
  console.log(shout(text));
}

/** Async code: awaited calls keep the event loop free. */
async function handler() {
  const text = await greet("async code");
  console.log(`${text} ${await checksum(text)}`);
}

// No isWorker guard: the plugin gives greetings' module an output file of its own beside this
// one, and that file, not this one, is what smartasync's workers import to run shout and checksum.
cli();
handler();
