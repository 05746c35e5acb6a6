// `node examples/library/run.mjs`: builds greet-lib with smartasync and writes its manifest,
// installs it into the app's node_modules (a symlink, as a workspace would), builds the app
// against the installed package, and runs it.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildExample, ensureDist, root } from "../build.mjs";

const here = join(root, "examples/library");
const lib = join(here, "greet-lib");

export async function run({ quiet = false } = {}) {
  ensureDist();
  const babel = await import("@babel/core");
  const { createManifest } = await import(join(root, "dist/babel-plugin/index.js"));
  await buildExample(lib, ["src/index.js"], { outDir: join(lib, "build-tmp") });
  // dist/index.js is the compiled entry; the manifest describes it from its source.
  rmSync(join(lib, "dist"), { recursive: true, force: true });
  mkdirSync(join(lib, "dist"), { recursive: true });
  execFileSync("cp", [join(lib, "build-tmp/src/index.js"), join(lib, "dist/index.js")]);
  rmSync(join(lib, "build-tmp"), { recursive: true, force: true });
  const manifest = createManifest(babel, { ".": join(lib, "src/index.js") }, { root: lib });
  writeFileSync(join(lib, "dist/smartasync.manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);

  // greet-lib depends on smartasync (its compiled code imports smartasync/runtime).
  rmSync(join(lib, "node_modules"), { recursive: true, force: true });
  mkdirSync(join(lib, "node_modules"), { recursive: true });
  symlinkSync(root, join(lib, "node_modules/smartasync"), "dir");

  const modules = join(here, "app/node_modules");
  rmSync(modules, { recursive: true, force: true });
  mkdirSync(modules, { recursive: true });
  symlinkSync(lib, join(modules, "greet-lib"), "dir");
  const app = join(here, "app");
  const { reports } = await buildExample(app, ["main.js", "index.js"]);
  const out = execFileSync(process.execPath, [join(app, "build/index.js")], {
    encoding: "utf8",
    timeout: 30_000,
  });
  if (!quiet) {
    console.log("manifest:", JSON.stringify(manifest.exports["."]));
    for (const c of reports.flatMap((r) => r.calls)) {
      console.log(
        `  ${c.loc}  ${c.callee} (${c.from})  ${c.context} in ${c.in} -> ${c.strategy} ${c.target}`,
      );
    }
    process.stdout.write(out);
  }
  return { manifest, reports, out };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
