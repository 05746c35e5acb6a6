// `node bench/libraries.mjs [--quick]` (part of `npm run bench`): the library examples' generated
// sync APIs against the same APIs written by hand — examples/find-up and examples/config-loader,
// each bench in examples/<name>/bench/bench.mjs. Writes bench/results/libraries.json, rendered
// into docs/performance.md ("Library examples").
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { machine, ROOT, writeResults } from "./lib.mjs";

const quick = process.argv.includes("--quick");
const started = machine();
const examples = {};
for (const name of ["find-up", "config-loader"]) {
  const { bench } = await import(pathToFileURL(join(ROOT, "examples", name, "bench/bench.mjs")).href);
  console.log(`examples/${name}`);
  const rows = await bench({ quick });
  examples[name] = rows.map(({ line, ...row }) => row);
}
writeResults("libraries", {
  machine: started,
  command: `node bench/libraries.mjs${quick ? " --quick" : ""}`,
  examples,
});
