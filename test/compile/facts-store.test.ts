/**
 * Imported modules' facts kept on disk (src/compile/facts-store.ts): a second build — here a
 * fresh module graph, as a new process or another worker has — reads no unchanged dependency's
 * text (the graph's own read counters), and an edited dependency is seen (a new text is a new
 * key; an edit behind a re-export fails the entry's dependency check).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enableFactsStore } from "../../src/compile/facts-store.js";
import { parserFor } from "../../src/compile/parser.js";
import { ModuleGraph, useFactsStore } from "../../src/core/analysis/module-graph.js";
import { factsToJson } from "../../src/core/module-facts.js";
import { validateOptions } from "../../src/core/options.js";
import { parseToBabelShape } from "../../src/swc-plugin/lower.js";
import { useTempCache } from "./temp-cache.js";

const dir = mkdtempSync(join(tmpdir(), "sa-facts-store-"));
const project = join(dir, "project");
const lib = join(project, "lib.js");
const barrel = join(project, "barrel.js");
let restore: (() => void) | undefined;

/** Modules parsed, by every graph of this file. */
let parses = 0;

function graph(): ModuleGraph {
  const g = new ModuleGraph(
    (source, path) => {
      parses++;
      const file = parseToBabelShape(source, { parser: parserFor(path), isModule: "unknown" });
      return { program: file.program, comments: file.comments ?? [] };
    },
    validateOptions({}),
    () => project,
  );
  g.cacheTag = "swc";
  return g;
}

const reads = (g: ModuleGraph) => g.facts.reads + g.shapes.reads;
const exported = (g: ModuleGraph) => factsToJson(g.factsOf(barrel)).e.map(([name, f]) => [name, f.variant]);
/** A stamp younger than the store's racy window is not trusted (facts-store.ts): let it age. */
const settle = () => new Promise((r) => setTimeout(r, 1100));

beforeAll(async () => {
  restore = useTempCache(join(dir, "cache"));
  enableFactsStore();
  mkdirSync(project, { recursive: true });
  writeFileSync(lib, "// @smartasync\nexport async function load(p) {\n  return p;\n}\n");
  writeFileSync(barrel, 'export * from "./lib.js";\nexport const version = 1;\n');
  await settle();
});

afterAll(() => {
  useFactsStore(undefined);
  restore?.();
  rmSync(dir, { recursive: true, force: true });
});

describe("the facts store", () => {
  it("a second graph reads no unchanged dependency (neither the barrel nor what it re-exports)", () => {
    const first = graph();
    expect(exported(first)).toEqual([["load", "loadSync"]]);
    expect(reads(first)).toBeGreaterThanOrEqual(2);
    const parsed = parses;
    const second = graph();
    expect(exported(second)).toEqual([["load", "loadSync"]]);
    expect(reads(second)).toBe(0);
    expect(parses).toBe(parsed);
  });

  it("an edited dependency behind the re-export is seen, and read again", async () => {
    writeFileSync(lib, "// @smartasync\nexport async function fetchIt(p) {\n  return p;\n}\n");
    const third = graph();
    expect(exported(third)).toEqual([["fetchIt", "fetchItSync"]]);
    // The barrel is unchanged (its entry is found by its stamp) but its check met the new lib.
    expect(third.facts.reads + third.shapes.reads).toBeGreaterThanOrEqual(1);
    await settle();
    // lib.js was read while its stamp was too recent to keep: read once more, to hash it, and
    // its facts found by its text — nothing parsed.
    const parsed = parses;
    const fourth = graph();
    expect(exported(fourth)).toEqual([["fetchIt", "fetchItSync"]]);
    expect(reads(fourth)).toBe(1);
    expect(parses).toBe(parsed);
    // From now on its stamp names its text: nothing read.
    const fifth = graph();
    expect(exported(fifth)).toEqual([["fetchIt", "fetchItSync"]]);
    expect(reads(fifth)).toBe(0);
  });

  it("a strategy read from a twin by name is checked against the module that has the twin", async () => {
    const user = join(project, "user.js");
    const helpers = join(project, "helpers.js");
    writeFileSync(
      user,
      'import { fetchThing } from "./helpers.js";\n// @smartasync\nexport async function run(p) {\n  return await fetchThing(p);\n}\n',
    );
    writeFileSync(
      helpers,
      "export async function fetchThing(p) {\n  return p;\n}\nexport function fetchThingSync(p) {\n  return p;\n}\n",
    );
    await settle();
    const strategy = (g: ModuleGraph) =>
      factsToJson(g.factsOf(user)).e.map(([name, f]) => [name, f.syncStrategy]);
    expect(strategy(graph())).toEqual([["run", "inline"]]);
    const stored = graph();
    expect(strategy(stored)).toEqual([["run", "inline"]]);
    expect(reads(stored)).toBe(0);
    // The twin goes: user.js is unchanged (its entry found by its stamp), but the export names
    // its strategy was read from are not the same any more — its `fetchThing` has no twin.
    writeFileSync(helpers, "export async function fetchThing(p) {\n  return p;\n}\n");
    expect(strategy(graph())).toEqual([["run", "worker"]]);
  });

  it("a strategy read from an imported helper's body is checked against that body (attack20 F1)", async () => {
    const caller = join(project, "caller.js");
    const notify = join(project, "notify.js");
    writeFileSync(
      caller,
      'import { notify } from "./notify.js";\n// @smartasync\nexport async function send(m) {\n  notify(m);\n  await null;\n  return m;\n}\n',
    );
    // Not analysed for facts of its own (no annotation, imports nothing smartasync): only the
    // body of `notify` is read, because send's inline copy calls it before an await it drops.
    writeFileSync(
      notify,
      "async function audit(m) {\n  await null;\n  return m;\n}\nexport function notify(m) {\n  audit(m);\n}\n",
    );
    await settle();
    const strategy = (g: ModuleGraph) =>
      factsToJson(g.factsOf(caller)).e.map(([name, f]) => [name, f.syncStrategy]);
    expect(strategy(graph())).toEqual([["send", "worker"]]);
    expect(factsToJson(graph().factsOf(notify)).e).toEqual([]);
    const stored = graph();
    expect(strategy(stored)).toEqual([["send", "worker"]]);
    expect(reads(stored)).toBe(0);
    // A graph kept across the edit (a watch session), which analysed caller.js itself (no
    // store), answers again too, on the next turn.
    const live = graph();
    live.cacheTag = undefined;
    expect(strategy(live)).toEqual([["send", "worker"]]);
    // notify no longer starts anything: caller.js is unchanged (its entry found by its stamp),
    // but the body its strategy was read from is not — the call keeps its run-time check.
    writeFileSync(notify, "export function notify(m) {\n  return m;\n}\n");
    expect(strategy(graph())).toEqual([["send", "inline"]]);
    await new Promise((r) => setImmediate(r));
    expect(strategy(live)).toEqual([["send", "inline"]]);
  });

  it("a stamp's text hash is kept only beside stored facts (none for a module inside a cycle)", async () => {
    /** The records on disk, by kind: a stamp's text hash (`h`) or a module's facts (`v`). */
    const records = () => {
      const kinds = { h: 0, v: 0 };
      const area = join(dir, "cache", "facts");
      for (const shard of readdirSync(area))
        for (const name of readdirSync(join(area, shard))) {
          const r = JSON.parse(readFileSync(join(area, shard, name), "utf8")) as { h?: unknown; v?: unknown };
          if (r.v !== undefined) kinds.v++;
          else if (r.h !== undefined) kinds.h++;
        }
      return kinds;
    };
    const a = join(project, "cycle-a.js");
    writeFileSync(
      a,
      'export * from "./cycle-b.js";\n// @smartasync\nexport async function fromA(p) {\n  return p;\n}\n',
    );
    writeFileSync(
      join(project, "cycle-b.js"),
      'export * from "./cycle-a.js";\n// @smartasync\nexport async function fromB(p) {\n  return p;\n}\n',
    );
    await settle(); // old enough stamps: kept if anything is
    const start = records();
    const g = graph();
    expect(
      factsToJson(g.factsOf(a))
        .e.map(([name]) => name)
        .sort(),
    ).toEqual(["fromA", "fromB"]);
    // Entered half-way, the cycle's facts are unclean: not stored, so their stamps lead nowhere.
    expect(records()).toEqual(start);
    // A module outside any cycle: its facts (shape and facts phases) and one stamp record.
    const single = join(project, "single.js");
    writeFileSync(single, "// @smartasync\nexport async function alone(p) {\n  return p;\n}\n");
    await settle();
    graph().factsOf(single);
    const after = records();
    expect(after.h).toBe(start.h + 1);
    expect(after.v).toBeGreaterThan(start.v);
  });

  it("an annotation taken away is seen too", () => {
    writeFileSync(lib, "export async function fetchIt(p) {\n  return p;\n}\n");
    expect(exported(graph())).toEqual([]);
  });
});
