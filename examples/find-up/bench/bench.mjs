// `node examples/find-up/bench/bench.mjs [--quick]`: the generated sync API (the Babel build of
// src/) against the same API written by hand (bench/hand-written.js), on a directory tree 12
// levels deep. Rounds interleave the two (A B, then B A, …) so that drift on a shared machine
// hits both; the figure is the ratio of the medians, generated ÷ hand-written (goal ≤ 1.05).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { benchPair, buildForBench } from "../../bench-lib.mjs";
import { ensurePackages, root } from "../../build.mjs";
import { packages } from "../run.mjs";

const here = join(root, "examples/find-up");
const quick = process.argv.includes("--quick");

export async function bench({ quick = false, quiet = false } = {}) {
  ensurePackages(here, packages);
  const built = buildForBench(here);
  const gen = await import(pathToFileURL(join(built, "index.js")).href);
  const hand = await import(pathToFileURL(join(here, "bench/hand-written.js")).href);
  const tree = mkdtempSync(join(tmpdir(), "find-up-bench-"));
  try {
    const deep = join(tree, ...Array.from({ length: 12 }, (_, i) => `d${i}`));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(tree, "package.json"), "{}");
    writeFileSync(join(tree, "d0/d1/.git"), "");
    const opts = { cwd: deep, stopAt: tree };
    const cases = {
      "findUpSync(name)": (api) => api.findUpSync("package.json", opts),
      "findUpSync([3 names])": (api) => api.findUpSync(["a.json", "b.json", "package.json"], opts),
      "findUpSync(matcher)": (api) =>
        api.findUpSync((dir) => (api.pathExistsSync(join(dir, ".git")) ? "." : undefined), opts),
      "findUpEachSync([2 names])": (api) => api.findUpEachSync(["package.json", ".git"], opts),
    };
    const rows = [];
    for (const [name, run] of Object.entries(cases)) {
      if (run(gen) !== run(hand) && JSON.stringify(run(gen)) !== JSON.stringify(run(hand)))
        throw new Error(`${name}: the two APIs disagree`);
      rows.push({
        name,
        ...benchPair(
          () => run(gen),
          () => run(hand),
          { quick },
        ),
      });
    }
    if (!quiet) for (const r of rows) console.log(`${r.name.padEnd(28)} ${r.line}`);
    return rows;
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bench({ quick });
