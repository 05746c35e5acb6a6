// Example module, written as the compiler's output would be (see DESIGN §11), by hand.
import { pbkdf2Sync } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { threadId } from "node:worker_threads";
import * as _sa from "../../dist/runtime/index.js";

// @smartasync — awaits something with no sync twin, so its sync variant runs in a worker.
export async function fetchGreeting(name) {
  await delay(20); // stands in for fetch(...)
  return { greeting: `hello, ${name}`, thread: threadId };
}
export function fetchGreetingSync(name) {
  return _sa.runSync(import.meta.url, "fetchGreeting", [name]);
}

// @smartasync — CPU-bound and synchronous; its async variant runs in the pool.
export function hashPassword(pw) {
  return pbkdf2Sync(pw, "salt", 60_000, 32, "sha256").toString("hex").slice(0, 16);
}
export function hashPasswordAsync(pw) {
  return _sa.offload(import.meta.url, "hashPassword", [pw]);
}

// A class whose method has both colours: callers that cannot be resolved statically dispatch.
export class Store {
  constructor(prefix) {
    this.prefix = prefix;
  }
  async load(key) {
    return `${this.prefix}/${key} (async)`;
  }
  loadSync(key) {
    return `${this.prefix}/${key} (sync)`;
  }
}

_sa.register(import.meta.url, { fetchGreeting, hashPassword });
_sa.mark(fetchGreeting, { kind: "async", sync: fetchGreetingSync });
_sa.mark(hashPassword, { kind: "sync", async: hashPasswordAsync });
_sa.mark(Store.prototype.load, { kind: "async", sync: Store.prototype.loadSync });
