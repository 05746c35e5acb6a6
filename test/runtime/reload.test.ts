// A module evaluated again while the runtime and its workers stay (a dev server or a watch run
// after an edit; attack26 F10): calls made after that run the version this thread runs, in the
// blocking worker and in the pool alike, on real worker threads. Here the "edit" is the file
// rewritten and imported again under a query, as Vite's dev server evaluates a module again:
// the module registers under its plain URL, the one a worker imports.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as sa from "smartasync/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Inside the repository (ignored by git), so that the module resolves smartasync from it.
const scratch = join(import.meta.dirname, "../..", ".tmp", `reload-${process.pid}`);
const file = join(scratch, "lib.mjs");
const url = pathToFileURL(file).href;
let evaluations = 0;

/** Writes version `v` of the module and evaluates it in this thread, as a dev server does after an edit. */
async function edit(v: string): Promise<void> {
  writeFileSync(
    file,
    [
      'import { threadId } from "node:worker_threads";',
      'import { register } from "smartasync/runtime";',
      `export async function slow(x) { await new Promise((r) => setTimeout(r, 1)); return "${v}:" + x; }`,
      `export function cpu(x) { return "${v}-cpu:" + x; }`,
      "export async function thread() { return threadId; }",
      "export function poolThread() { return threadId; }",
      // Work left running after the answer: a file written a little later.
      `export async function later(path) { setTimeout(() => import("node:fs").then((fs) => fs.writeFileSync(path, "${v}")), 50); return "${v}"; }`,
      'register(new URL("./lib.mjs", import.meta.url).href, { slow, cpu, thread, poolThread, later });',
      "",
    ].join("\n"),
  );
  await import(`${url}?${++evaluations}`);
}

beforeAll(() => mkdirSync(scratch, { recursive: true }));
afterAll(async () => {
  await sa.shutdown();
  rmSync(scratch, { recursive: true, force: true });
});

describe("a module evaluated again after an edit", () => {
  it("runs the new version in the blocking worker and in a warm pool worker", async () => {
    await edit("v1");
    expect(sa.runSync(url, "slow", [1])).toBe("v1:1");
    expect(await sa.offload(url, "cpu", [1])).toBe("v1-cpu:1");
    await edit("v2");
    // Both workers are warm (the pool's idle timeout is seconds away): each is replaced.
    expect(sa.runSync(url, "slow", [2])).toBe("v2:2");
    expect(await sa.offload(url, "cpu", [2])).toBe("v2-cpu:2");
    await edit("v3");
    expect(await sa.offload(url, "cpu", [3])).toBe("v3-cpu:3");
    expect(sa.runSync(url, "slow", [3])).toBe("v3:3");
  });

  it("keeps its workers while no module is evaluated again", async () => {
    await edit("v4");
    const blocking = sa.runSync(url, "thread", []);
    const pooled = await sa.offload(url, "poolThread", []);
    for (let i = 0; i < 3; i++) {
      expect(sa.runSync(url, "thread", [])).toBe(blocking);
      expect(await sa.offload(url, "poolThread", [])).toBe(pooled);
    }
    // Registering the same functions again (no new evaluation) changes nothing either.
    const again = (await import(`${url}?${evaluations}`)) as Record<string, Function>;
    sa.register(url, { slow: again.slow! });
    expect(sa.runSync(url, "thread", [])).toBe(blocking);
    await edit("v5");
    expect(sa.runSync(url, "thread", [])).not.toBe(blocking);
    expect(await sa.offload(url, "poolThread", [])).not.toBe(pooled);
  });

  it("lets work the replaced worker left running finish", async () => {
    await edit("v6");
    const done = join(scratch, "left-running.txt");
    expect(sa.runSync(url, "later", [done])).toBe("v6");
    await edit("v7");
    expect(sa.runSync(url, "slow", [7])).toBe("v7:7");
    // The old worker ends once its timer has run, not before.
    while (!existsSync(done)) await new Promise((r) => setTimeout(r, 10));
  });
});
