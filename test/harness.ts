/**
 * Runs the real compilers on fixture inputs: Babel 8 (the main dev dependency) and Babel 7 (an
 * npm alias), each with its own preset-typescript and CommonJS transform.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, extname, join } from "node:path";
import * as babel8 from "@babel/core";
import commonjs8 from "@babel/plugin-transform-modules-commonjs";
import presetTs8 from "@babel/preset-typescript";
import smartasync from "../src/babel-plugin/index.js";
import type { ModuleFacts } from "../src/core/module-facts.js";
import type { Report } from "../src/core/report.js";

const require = createRequire(import.meta.url);
const babel7 = require("babel7-core") as typeof babel8;
const presetTs7 = require("babel7-preset-typescript");
const commonjs7 = require("babel7-plugin-transform-modules-commonjs");

export const ROOT = join(import.meta.dirname, "..");
export const FIXTURES = join(ROOT, "fixtures");
export type BabelVersion = 7 | 8;

export interface Harness {
  /** Run Babel's CommonJS transform after smartasync. */
  commonjs?: boolean;
  /** Extra SWC parser settings (`{ "explicitResourceManagement": true }` for `using`). */
  swcParser?: Record<string, unknown>;
  /** Extra Babel parser plugins (`["decorators-legacy"]`). */
  babelParser?: string[];
}

export interface Case {
  name: string;
  dir: string;
  input: string;
  options: Record<string, unknown>;
  harness: Harness;
}

export interface Outcome {
  code?: string;
  report?: Report;
  error?: string;
  /** What the file exports that is smartasync (Babel's `smartasyncExports`: a build's manifest). */
  exports?: ModuleFacts;
}

function readJson(file: string): Record<string, unknown> | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : undefined;
}

export function listCases(root = FIXTURES): Case[] {
  const out: Case[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true });
    const input = entries.find((e) => e.isFile() && /^input\.(js|mjs|cjs|ts|mts|cts|tsx)$/.test(e.name));
    if (input) {
      out.push({
        name: dir
          .slice(root.length + 1)
          .split("\\")
          .join("/"),
        dir,
        input: join(dir, input.name),
        options: readJson(join(dir, "options.json")) ?? {},
        harness: (readJson(join(dir, "harness.json")) ?? {}) as Harness,
      });
      return;
    }
    for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name));
  };
  walk(root);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export function transformCase(
  c: Case,
  version: BabelVersion,
  source?: string,
  file = c.input,
  /** Plugins to run right after smartasync (test/babel-scopes.test.ts reads Babel's scopes there). */
  after: babel8.PluginItem[] = [],
): Outcome {
  const core = version === 8 ? babel8 : babel7;
  const ts = /\.[mc]?tsx?$/.test(file);
  const plugins: babel8.PluginItem[] = [[smartasync, c.options], ...after];
  if (c.harness.commonjs) plugins.push(version === 8 ? commonjs8 : commonjs7);
  try {
    const r = core.transformSync(source ?? readFileSync(file, "utf8"), {
      filename: file,
      cwd: c.dir,
      root: c.dir,
      babelrc: false,
      configFile: false,
      highlightCode: false,
      // As the CLI (cli/transform-file.ts): a `.cts` with `export =` or exports inside a namespace
      // is read as a module (fixture typescript/export-equals-namespace).
      sourceType: /\.cjs$/.test(file) ? "script" : /\.cts$/.test(file) ? "unambiguous" : "module",
      // A `.cjs` may `return` at the top level, as Node allows (fixture modules/cjs-top-level-return).
      parserOpts: {
        allowReturnOutsideFunction: /\.cjs$/.test(file),
        ...(c.harness.babelParser ? { plugins: c.harness.babelParser as never } : {}),
      },
      plugins,
      presets: ts ? [version === 8 ? presetTs8 : presetTs7] : [],
    });
    return {
      code: r?.code ?? "",
      report: (r?.metadata as unknown as { smartasync?: Report } | undefined)?.smartasync,
      exports: (r?.metadata as unknown as { smartasyncExports?: ModuleFacts } | undefined)?.smartasyncExports,
    };
  } catch (e) {
    return { error: normaliseError((e as Error).message, c.dir) };
  }
}

/** Error text without machine-specific paths, as kept in `error.txt`. */
export function normaliseError(message: string, dir: string): string {
  return message.split(`${dir}/`).join("").split(dir).join(".").trimEnd() + "\n";
}

/** Output file extension for executing a case: CommonJS output runs as `.cjs`. */
export function execExtension(c: Case): string {
  if (c.harness.commonjs || /\.c[jt]s$/.test(c.input)) return ".cjs";
  // A case with its own package.json runs its `.js`/`.ts` input as a `.js`, which Node reads
  // by that package's `"type"` (fixture cjs/type-commonjs-script) or, without one, by its code
  // (fixture cjs/typeless-script), as a build's output.
  if (/\.[jt]s$/.test(c.input) && existsSync(join(c.dir, "package.json"))) return ".js";
  return ".mjs";
}

/**
 * Writes the transformed program (and any companion files of the case) under `.tmp/exec`, inside
 * this package so `smartasync/runtime` resolves to the built runtime, and runs it with `node`.
 */
export function execCase(
  c: Case,
  code: string,
  version: BabelVersion | "swc",
  /** How companions are compiled (default: the same Babel). */
  compile: (file: string) => Outcome = (file) => transformCase(c, version as BabelVersion, undefined, file),
  /** A folder of its own under `.tmp/exec` for a test that runs the same case differently. */
  tag = "",
): { stdout: string; stderr: string; status: number | null } {
  const dir = join(ROOT, ".tmp", "exec", `${tag}${version === "swc" ? "swc" : `babel${version}`}`, c.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const e of readdirSync(c.dir, { withFileTypes: true })) {
    if (
      e.name.startsWith("input.") ||
      /^(output\.|report\.json|stdout\.txt|stderr\.txt|error\.txt|options\.json|harness\.json)/.test(e.name)
    )
      continue;
    cpSync(join(c.dir, e.name), join(dir, e.name), { recursive: true });
  }
  // Multi-file cases: every companion source (not under node_modules, which holds packages
  // shipped already built) is compiled the same way; `.ts` becomes `.js` as a build would.
  const companions = (base: string, rel = ""): void => {
    for (const e of readdirSync(join(base, rel), { withFileTypes: true })) {
      const r = join(rel, e.name);
      if (e.isDirectory()) {
        if (e.name !== "node_modules") companions(base, r);
        continue;
      }
      if (!/\.(m|c)?(j|t)s$/.test(e.name) || (rel === "" && /^(input|output)\./.test(e.name))) continue;
      const out = compile(join(base, r));
      if (out.error !== undefined) throw new Error(`companion ${r} failed: ${out.error}`);
      writeFileSync(
        join(
          dir,
          r
            .replace(/\.ts$/, ".js")
            .replace(/\.mts$/, ".mjs")
            .replace(/\.cts$/, ".cjs"),
        ),
        out.code!,
      );
    }
  };
  companions(c.dir);
  if (existsSync(join(c.dir, "package.json"))) {
    // A case with its own package.json (its "imports", fixture modules/subpath-imports) is its own
    // package scope: `smartasync/runtime` is no longer a self-reference of this package, so it is
    // installed, as in a user's project, by a link to this package.
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(ROOT, join(dir, "node_modules", "smartasync"), "dir");
  }
  const file = join(dir, `main${execExtension(c)}`);
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: "utf8", timeout: 60_000 });
  // Node's warnings name the process (`(node:4242) [CODE] …`): a stderr.txt writes `(node:PID)`.
  return { stdout: r.stdout, stderr: r.stderr?.replace(/^\(node:\d+\)/gm, "(node:PID)"), status: r.status };
}

export function buildOnce(): void {
  execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs")], { stdio: "inherit" });
}

export const caseFile = (c: Case, name: string): string => join(c.dir, name);
export const inputExt = (c: Case): string => extname(c.input);
export const caseBase = (c: Case): string => basename(c.dir);
export { dirname };
