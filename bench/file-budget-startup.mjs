// Where the per-file budget's cost goes (bench/file-budget.mjs runs this): the same files compiled
// by the compile service through the budget's worker (src/compile/budget.ts) and then in this
// thread, the first file and the rest timed apart. `node bench/file-budget-startup.mjs <dir>`
// (a folder of .js files; needs `npm run build`). Prints one JSON line, milliseconds.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { withinBudget } from "../dist/compile/budget.js";
import { compileFile } from "../dist/compile/index.js";
import { TASK_URL } from "../dist/compile/task.js";

const dir = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".js"))
  .map((f) => join(dir, f));
const req = (f) => ({
  code: readFileSync(f, "utf8"),
  filename: f,
  engine: "swc",
  cjsOutput: false,
  root: dir,
});

async function timed(compile) {
  let t = performance.now();
  await compile(req(files[0]));
  const first = performance.now() - t;
  t = performance.now();
  for (const f of files.slice(1)) await compile(req(f));
  return { first: Math.round(first), rest: Math.round(performance.now() - t) };
}

const worker = await timed((r) => withinBudget(TASK_URL, "compileTask", [r], 60_000));
const thread = await timed((r) => compileFile(r));
console.log(JSON.stringify({ files: files.length, worker, thread }));
// The pool's idle worker is unref'd: the process ends on its own.
