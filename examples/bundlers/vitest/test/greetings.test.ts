import { expect, test } from "vitest";
import { checksum, greet, loadGreetings, shout } from "../src/greetings.js";

const file = new URL("../greetings.json", import.meta.url);

/** Sync code: smartasync rewrites the calls to the sync variants. */
function greetNow(name: string): string {
  return greet(name, file);
}

function shoutNow(text: string): string {
  return shout(text);
}

test("a call in sync code gives the value", () => {
  expect(greetNow("Vitest")).toBe("Hello, Vitest!");
  // What Vitest ran is smartasync's output: the call goes to the sync variant through `greet`'s
  // marker (under Vitest the plugin compiles calls so that `vi.mock` of their module is honoured).
  expect(greetNow.toString()).toMatch(/\bcallVariant\(.*\bgreet\b\)?, "sync"/);
});

test("an awaited call gives the same value, through a promise", async () => {
  expect(await greet("async code", file)).toBe("Hello, async code!");
  expect((await loadGreetings(file)).hello).toBe("Hello");
});

// Sync code again: `shoutNow`'s callers all want its value, so its call of `shout` gives one. (A
// caller in async code would hold the promise `shoutNow` returns uncompiled, and keep it.)
test("worker variants run too: a sync call that blocks on a worker", () => {
  expect(shoutNow("from a worker")).toBe("FROM A WORKER");
});

test("an awaited call of a sync function runs in the pool", async () => {
  expect(await checksum("abc")).toBe("17862");
});
