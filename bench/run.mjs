// `npm run bench`: every bench, one after the other, each in its own process so they do not
// disturb each other; results land in bench/results/*.json, then docs/performance.md and
// docs/performance.svg are rendered from them (scripts/render-performance.mjs).
// Extra arguments (`npm run bench -- --quick`) go to every bench.
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { machine, ROOT } from "./lib.mjs";

if (!existsSync(join(ROOT, "dist/babel-plugin/index.js"))) {
  execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs")], { stdio: "inherit" });
}
const extra = process.argv.slice(2);
// What was measured: the commit, and the files of src/ that differ from it (dist is built from
// the working tree).
const git = (...args) => {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "";
  }
};
const source = {
  commit: git("rev-parse", "--short", "HEAD"),
  changedSrcFiles: git("status", "--porcelain", "--", "src")
    .split("\n")
    .filter(Boolean)
    .map((l) => l.slice(3)),
};
const benches = [
  "runtime.mjs",
  "babel.mjs",
  "swc.mjs",
  "real-files.mjs",
  "babel-config.mjs",
  "libraries.mjs",
  "jobs.mjs",
];
const started = machine();
for (const bench of benches) {
  console.log(`\n=== bench/${bench}`);
  execFileSync(process.execPath, [join(ROOT, "bench", bench), ...extra], { stdio: "inherit", cwd: ROOT });
}
writeFileSync(
  join(ROOT, "bench/results/run.json"),
  `${JSON.stringify(
    {
      command: ["npm run bench", ...(extra.length ? ["--", ...extra] : [])].join(" "),
      benches,
      source,
      startedAt: started.startedAt,
      finishedAt: new Date().toISOString(),
      machine: started,
    },
    null,
    2,
  )}\n`,
);
console.log("\n=== scripts/render-performance.mjs");
execFileSync(process.execPath, [join(ROOT, "scripts/render-performance.mjs")], {
  stdio: "inherit",
  cwd: ROOT,
});
