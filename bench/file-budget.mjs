// What the build-tool plugins' per-file budget (`fileTimeout`, SECURITY.md) costs: each build
// run with the budget (files compiled in a worker of smartasync's pool) and without it
// (`fileTimeout: 0`, compiled in the tool's thread), alternated, in fresh processes.
//   npm run build && node bench/file-budget.mjs [runs=5]
// Builds: the four examples/bundlers programs (2 files each), and a generated 200-file project
// (each file an annotated function and a call of the previous file's) through Rollup and esbuild.
// Prints the median wall time of the build itself (the tool's API call, as the driver times it),
// then where the cost goes (bench/file-budget-startup.mjs).
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const DRIVER = join(ROOT, "test", "security", "bundler-driver.mjs");
const TMP = join(ROOT, ".tmp", "bench-file-budget");
const RUNS = Number(process.argv[2] ?? 5);

function example(tool, entry) {
  const dir = join(TMP, tool);
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(ROOT, "examples", "bundlers", tool), dir, {
    recursive: true,
    filter: (p) => !/[\\/](dist|node_modules)$/.test(p),
  });
  return { name: `examples/bundlers/${tool}`, tool, dir, entry };
}

function generated(tool, n) {
  const dir = join(TMP, `gen-${tool}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  for (let i = 0; i < n; i++) {
    const prev = i === 0 ? "" : `import { f${i - 1} } from "./m${i - 1}.js";\n`;
    const body = i === 0 ? "return 1;" : `return (await f${i - 1}()) + 1;`;
    writeFileSync(
      join(dir, "src", `m${i}.js`),
      `${prev}\n// @smartasync\nexport async function f${i}() {\n  ${body}\n}\n`,
    );
  }
  writeFileSync(
    join(dir, "src", "main.js"),
    `import { f${n - 1}Sync } from "./m${n - 1}.js";\nconsole.log(f${n - 1}Sync());\n`,
  );
  return { name: `${n} generated files`, tool, dir, entry: "src/main.js" };
}

function once(build, fileTimeout) {
  const out = execFileSync(
    process.execPath,
    [DRIVER, build.tool, build.dir, build.entry, JSON.stringify({ fileTimeout })],
    {
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  const r = JSON.parse(out);
  if (r.errors.length) throw new Error(`${build.name} (${build.tool}): ${JSON.stringify(r.errors)}`);
  return r.ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const builds = [
  example("rollup", "src/main.js"),
  example("vite", "src/main.ts"),
  example("webpack", "src/main.js"),
  example("esbuild", "src/main.ts"),
  generated("rollup", 200),
  generated("esbuild", 200),
];
console.log(
  `| build | tool | in the tool's thread (fileTimeout: 0) | in a worker (fileTimeout: 60000) | cost |`,
);
console.log(`| --- | --- | ---: | ---: | ---: |`);
for (const b of builds) {
  const off = [];
  const on = [];
  for (let i = 0; i < RUNS; i++) {
    off.push(once(b, 0));
    on.push(once(b, 60_000));
  }
  const [a, w] = [median(off), median(on)];
  console.log(`| ${b.name} | ${b.tool} | ${a} ms | ${w} ms | ${w - a >= 0 ? "+" : ""}${w - a} ms |`);
}

// Where the cost goes: the first file (the worker's start) and the rest, worker against thread.
console.log("\nthe generated files through the compile service, first file / the rest (ms):");
for (let i = 0; i < RUNS; i++) {
  const out = execFileSync(
    process.execPath,
    [join(ROOT, "bench", "file-budget-startup.mjs"), join(TMP, "gen-rollup", "src")],
    { encoding: "utf8", timeout: 120_000 },
  );
  console.log(out.trim());
}
