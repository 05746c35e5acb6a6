// `node examples/config-loader/bench/bench.mjs [--quick]`: the generated sync API
// (`createLoaderSync` of the Babel build of src/) against the same API written by hand
// (bench/hand-written.js): a search 8 levels up with caching off, the same search answered by the
// cache, a JSON load, and making a loader. Rounds interleave the two; the figure is the ratio of
// the medians, generated ÷ hand-written (goal ≤ 1.05). One more row prices the annotations for
// the async API: making an async loader with the build (`createLoader` marks its annotated methods
// and holds their sync variants) against the source as written, which is the async half a library
// keeps by hand.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { benchPair, buildForBench } from "../../bench-lib.mjs";
import { root } from "../../build.mjs";

const here = join(root, "examples/config-loader");
const quick = process.argv.includes("--quick");

export async function bench({ quick = false, quiet = false } = {}) {
  const built = buildForBench(here);
  const gen = await import(pathToFileURL(join(built, "index.js")).href);
  const hand = await import(pathToFileURL(join(here, "bench/hand-written.js")).href);
  const source = await import(pathToFileURL(join(here, "src/index.js")).href);
  const tree = mkdtempSync(join(tmpdir(), "config-loader-bench-"));
  try {
    const deep = join(tree, ...Array.from({ length: 8 }, (_, i) => `d${i}`));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(tree, ".demorc.json"), JSON.stringify({ answer: 42, list: [1, 2, 3] }));
    const cold = { stopDir: tree, cache: false };
    const loaders = { gen: gen.createLoaderSync("demo", cold), hand: hand.createLoaderSync("demo", cold) };
    const cached = {
      gen: gen.createLoaderSync("demo", { stopDir: tree }),
      hand: hand.createLoaderSync("demo", { stopDir: tree }),
    };
    const cases = {
      "search, no cache": (api) => loaders[api].search(deep),
      "search, cached": (api) => cached[api].search(deep),
      "load .json, no cache": (api) => loaders[api].load(join(tree, ".demorc.json")),
      "createLoaderSync()": (api) => (api === "gen" ? gen : hand).createLoaderSync("demo", cold),
      "createLoader(), async": (api) => (api === "gen" ? gen : source).createLoader("demo", cold),
    };
    const rows = [];
    for (const [name, run] of Object.entries(cases)) {
      const a = run("gen");
      const b = run("hand");
      if (!name.startsWith("createLoader") && JSON.stringify(a) !== JSON.stringify(b))
        throw new Error(`${name}: the two APIs disagree`);
      rows.push({
        name,
        ...benchPair(
          () => run("gen"),
          () => run("hand"),
          { quick },
        ),
      });
    }
    if (!quiet) for (const r of rows) console.log(`${r.name.padEnd(24)} ${r.line}`);
    return rows;
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bench({ quick });
