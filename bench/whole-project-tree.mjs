// A whole-project tree of real files, made reproducibly from installed npm packages: the tree
// `smartasync build --jobs N` is measured on (docs/cli.md, "Parallelism"). The .js/.mjs/.cjs
// files of several packages (webpack's lib, @sinclair/typebox's two builds, @babel/core 7 and
// the @babel packages beside it, enhanced-resolve, diff, …) are copied with their folders, in a
// fixed order, until the tree holds `--files` of them (2,000 by default). Then the issue's
// whole-project shape: one file in ten gets an exported annotated function appended, and two in
// ten import one of those (the annotated file nearest before them) and call it from sync code.
// ES modules get `export` / `import`, CommonJS files `module.exports.x =` / `require`.
//
// Run: node bench/whole-project-tree.mjs [--out <dir>] [--files N]
// Prints the tree's folder, its file count, lines and bytes. Deterministic: the same installed
// packages give the same tree, byte for byte.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const NM = join(ROOT, "node_modules");

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const OUT = arg("--out", "/tmp/smartasync-whole-project");
const WANTED = Number(arg("--files", "2000"));

/**
 * Package folders (under node_modules) and the folder each lands in. `dist` is renamed: the CLI
 * walk skips folders named `dist` (docs/cli.md), which would leave them out of the build.
 */
const SOURCES = [
  ["webpack/lib", "webpack/lib"],
  ["@sinclair/typebox/build/esm", "typebox/esm"],
  ["@sinclair/typebox/build/cjs", "typebox/cjs"],
  ["babel7-core/lib", "babel-core/lib"],
  ["babel7-core/node_modules/@babel", "babel-core/deps"],
  ["enhanced-resolve/lib", "enhanced-resolve/lib"],
  ["diff/libesm", "diff/esm"],
  ["diff/libcjs", "diff/cjs"],
  ["autocannon/lib", "autocannon/lib"],
  ["piscina/dist", "piscina/out"],
  ["caniuse-lite/data", "caniuse-lite/data"],
];

const CODE = /\.(js|mjs|cjs)$/;

function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name === "node_modules" || e.name.startsWith(".")) continue;
        walk(p);
      } else if (e.isFile() && CODE.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const isEsm = (file, code) =>
  file.endsWith(".mjs") || (!file.endsWith(".cjs") && /^\s*(import|export)\s[^(]/m.test(code));

function annotated(k, esm) {
  const fn = `saWholeStep${k}`;
  return `
// @smartasync
${esm ? "export " : ""}async function ${fn}(n) {
  const doubled = n * 2;
  return doubled + 1;
}
${esm ? "" : `module.exports.${fn} = ${fn};\n`}`;
}

function caller(k, j, specifier, esm) {
  const fn = `saWholeStep${k}`;
  return `
${esm ? `import { ${fn} } from ${JSON.stringify(specifier)};` : `const { ${fn} } = require(${JSON.stringify(specifier)});`}
function saWholeRun${j}() {
  return ${fn}(${j});
}
`;
}

export function makeTree(out = OUT, wanted = WANTED) {
  const picked = [];
  for (const [from, to] of SOURCES) {
    const dir = join(NM, from);
    if (!existsSync(dir)) continue;
    for (const f of filesUnder(dir)) {
      if (picked.length >= wanted) break;
      const rel = relative(dir, f)
        .split(/[\\/]/)
        .map((s) => (s === "dist" ? "dist_" : s))
        .join("/");
      picked.push({ src: f, rel: `${to}/${rel}` });
    }
  }
  if (picked.length < wanted)
    throw new Error(`whole-project-tree: only ${picked.length} files found in the installed packages`);
  rmSync(out, { recursive: true, force: true });
  let lines = 0;
  let bytes = 0;
  const texts = picked.map((p) => readFileSync(p.src, "utf8"));
  const esm = picked.map((p, i) => isEsm(p.rel, texts[i]));
  for (let i = 0; i < picked.length; i++) {
    let code = texts[i];
    if (!code.endsWith("\n")) code += "\n";
    if (i % 10 === 0) code += annotated(i / 10, esm[i]);
    else if (i % 10 === 3 || i % 10 === 7) {
      const k = Math.floor(i / 10);
      const target = picked[k * 10].rel;
      let spec = relative(dirname(picked[i].rel), target).split("\\").join("/");
      if (!spec.startsWith(".")) spec = `./${spec}`;
      code += caller(k, i, spec, esm[i]);
    }
    const dest = join(out, picked[i].rel);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, code);
    lines += code.split("\n").length - 1;
    bytes += Buffer.byteLength(code);
  }
  return { out, files: picked.length, lines, bytes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t = makeTree();
  const size = statSync(t.out).isDirectory() ? `${(t.bytes / 1e6).toFixed(1)} MB` : "?";
  console.log(`${t.out}: ${t.files} files, ${t.lines.toLocaleString("en-US")} lines, ${size}`);
}
