// A cold build: every file compiled once by a fresh process, as `smartasync build`, a bundler's
// production build or a CI run compiles it. The other benches warm up first and then measure
// rounds in which every imported module's facts are already known; here nothing is known, so
// what reading the imported modules costs shows (their texts scanned, import cycles followed,
// modules parsed whole where something may be smartasync).
//
// Each round starts one child process per build (the base, then this checkout's, the order
// alternating by round). A child loads the build's `smartasync/swc`, warms plain `@swc/core` on
// the files (SWC's own first-call costs are not smartasync's), then compiles every file once
// through `smartasync/swc`, a turn of the event loop between files, and reports smartasync's own
// time (the call minus the time inside @swc/core's transformSync) and the time inside SWC.
// The figures are per round: each build's own time ÷ SWC's in the same child, and new ÷ base of
// the own times.
//
// Run: node bench/cold-builds.mjs [--base <dist dir of another checkout>] [--rounds N] [--as-is]
// Without --base, this checkout's build alone. The files are bench/real-files.mjs's, with its
// annotated function appended unless --as-is. Prints only; bench/results is not written.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median } from "./lib.mjs";
import { annotatedVariant, installedFiles } from "./real-files-list.mjs";

const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const asIs = args.includes("--as-is");

if (args[0] === "--child") {
  const entry = join(resolve(args[1]), "swc-plugin/index.js");
  const { default: swc } = await import("@swc/core");
  const plain = swc.transformSync;
  let inside = 0;
  // Timed through the same module object the build calls.
  swc.transformSync = function (...a) {
    const t = performance.now();
    try {
      return plain.apply(this, a);
    } finally {
      inside += performance.now() - t;
    }
  };
  const sa = await import(pathToFileURL(entry).href);
  const { files } = installedFiles();
  const code = (f) => (asIs ? f.code : annotatedVariant(f.code));
  const opts = (filename) => ({
    filename,
    swcrc: false,
    isModule: "unknown",
    jsc: { parser: { syntax: "ecmascript" }, target: "es2022" },
  });
  for (let i = 0; i < 2; i++) for (const f of files) plain(code(f), opts(f.file));
  let own = 0;
  for (const f of files) {
    inside = 0;
    const t = performance.now();
    sa.transformSync(code(f), { ...opts(f.file), smartasync: {} });
    own += performance.now() - t - inside;
    await new Promise(setImmediate);
  }
  // SWC's time for the same files, warm, in the same child (the anchor of the ratio).
  let swcMs = 0;
  for (const f of files) {
    const t = performance.now();
    plain(code(f), opts(f.file));
    swcMs += performance.now() - t;
  }
  process.stdout.write(JSON.stringify({ own, swc: swcMs, files: files.length }));
  process.exit(0);
}

const here = fileURLToPath(new URL(".", import.meta.url));
const current = join(here, "../dist");
const baseDir = arg("--base");
if (baseDir && !existsSync(join(resolve(baseDir), "swc-plugin/index.js")))
  throw new Error(`cold-builds: no swc-plugin/index.js under ${baseDir} (build the base checkout first)`);
const rounds = Number(arg("--rounds") ?? 5);
if (!(rounds >= 1)) throw new Error(`cold-builds: --rounds takes a positive number, not ${arg("--rounds")}`);
const builds = baseDir
  ? [
      ["base", resolve(baseDir)],
      ["new", current],
    ]
  : [["new", current]];
const child = (dist) =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [fileURLToPath(import.meta.url), "--child", dist, ...(asIs ? ["--as-is"] : [])],
      {
        encoding: "utf8",
        timeout: 600_000,
      },
    ),
  );
const start = loadavg()[0].toFixed(1);
const per = { base: [], new: [] };
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? builds : [...builds].reverse();
  const got = {};
  for (const [name, dist] of order) got[name] = child(dist);
  for (const [name] of builds) per[name].push(got[name]);
  const line = builds
    .map(
      ([name]) =>
        `${name} own ${got[name].own.toFixed(0)} ms = ${((got[name].own / got[name].swc) * 100).toFixed(0)}% of SWC's ${got[name].swc.toFixed(0)} ms`,
    )
    .join("; ");
  console.log(
    `round ${r + 1}: ${line}${baseDir ? `; own new ÷ base ${(got.new.own / got.base.own).toFixed(2)}×` : ""}`,
  );
}
const end = loadavg()[0].toFixed(1);
for (const [name] of builds) {
  const shares = per[name].map((x) => x.own / x.swc);
  console.log(
    `${name}: own time ÷ SWC's, median ${(median(shares) * 100).toFixed(0)}% (a build ${(1 + median(shares)).toFixed(2)}× plain SWC)`,
  );
}
if (baseDir)
  console.log(
    `own time new ÷ base, median ${median(per.new.map((x, i) => x.own / per.base[i].own)).toFixed(2)}×`,
  );
console.log(
  `${asIs ? "files as they are" : "one annotated function appended"}; load average ${start} → ${end}`,
);
