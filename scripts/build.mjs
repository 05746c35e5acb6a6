// Builds dist/ from src/ with the project's own TypeScript. Runs on `npm pack`/`npm publish`
// (prepack), so the tarball holds plain JavaScript and the projects that install it run no
// script; in a clone, `npm start` (scripts/demo.mjs) and `npm test` (test/global-setup.ts) build
// dist/ when it is missing or older than src/.
// The new build is written beside the old one and swapped in, so a test or a worker that is
// reading dist/ at that moment never finds it missing.
// The Node runtime is CommonJS (src/runtime/*.cts → dist/runtime/*.cjs, with an ES module face);
// the browser runtime (src/runtime/browser.ts) imports some of the same files, and a browser
// bundler should not need a CommonJS plugin for it, so esbuild bundles it and those files into
// one self-contained ES module, dist/runtime/browser.js (its declarations stay tsc's).
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve("typescript/bin/tsc");
} catch {
  if (existsSync(join(root, "dist/runtime/index.js"))) process.exit(0); // installed from a packed tarball: already built
  console.error("smartasync build: typescript is not installed (run `npm ci` in the repository first)");
  process.exit(1);
}
const next = join(root, `.dist-${process.pid}`);
const old = join(root, `.dist-old-${process.pid}`);
rmSync(next, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", next], {
    stdio: "inherit",
    cwd: root,
  });
  const esbuild = await import(pathToFileURL(require.resolve("esbuild")).href);
  await esbuild.build({
    entryPoints: [join(root, "src/runtime/browser.ts")],
    outfile: join(next, "runtime/browser.js"),
    allowOverwrite: true,
    bundle: true,
    format: "esm",
    // "neutral": no Node built-in resolves, so an import of one fails the build here.
    platform: "neutral",
    target: "es2022",
    logLevel: "warning",
    banner: {
      js: "// smartasync/runtime for browser builds: src/runtime/browser.ts and the files it imports, bundled\n// by esbuild into one ES module (scripts/build.mjs).",
    },
  });
  // The build's name, a hash of the modules that decide what the on-disk cache holds
  // (src/compile/stamp.ts): a cache written by another build of the same version is not read.
  const { writeBuildId } = await import(pathToFileURL(join(next, "compile/stamp.js")).href);
  writeBuildId(next);
} catch {
  rmSync(next, { recursive: true, force: true });
  process.exit(1);
}
const bin = join(next, "cli/bin.js");
if (existsSync(bin)) chmodSync(bin, 0o755);
const dist = join(root, "dist");
if (existsSync(dist)) renameSync(dist, old);
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });
