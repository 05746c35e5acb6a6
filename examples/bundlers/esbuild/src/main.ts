import { isWorker } from "smartasync/runtime";
import { checksum, greet, shout } from "./greetings.js";

/** Sync code: every call gives its value. */
function cli(): void {
  const text: string = greet("sync code");
  console.log(text);
  console.log(shout(text));
}

/** Async code: awaited calls keep the event loop free. */
async function handler(): Promise<void> {
  const text = await greet("async code");
  console.log(`${text} ${await checksum(text)}`);
}

// Workers import this output file again to run shout and checksum: run the program once.
if (!isWorker) {
  cli();
  handler();
}
