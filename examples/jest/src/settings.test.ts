import { fileURLToPath } from "node:url";
import { threadId } from "node:worker_threads";
import { loadSettings, summary } from "./settings.js";

const path = fileURLToPath(new URL("../settings.json", import.meta.url));

test("a sync-context call of an async @smartasync function returns the value", () => {
  const text = summary(path, 7);
  expect(text).toMatch(/^demo retries=3 owner=user-7@thread-(\d+)$/);
  // The worker variant ran on another thread.
  expect(Number(/thread-(\d+)$/.exec(text)?.[1])).not.toBe(threadId);
});

test("an awaited call keeps the promise", async () => {
  const pending = loadSettings(path);
  expect(pending).toBeInstanceOf(Promise);
  await expect(pending).resolves.toEqual({ name: "demo", retries: 3 });
});
