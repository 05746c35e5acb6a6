/**
 * Shared helpers of the reliability suite: budgets (CI vs SMARTASYNC_LONG=1), the fixed seed,
 * Babel 7 / Babel 8 drivers with and without the plugin, an SWC driver (`smartasync/swc` or plain
 * `@swc/core`, the same options either way), a scratch directory inside the package
 * (so `smartasync/runtime` resolves to dist/ by self-reference), child-process runs with hard
 * limits, and a figures file that docs/reliability.md is written from.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as babel8 from "@babel/core";
import commonjs8 from "@babel/plugin-transform-modules-commonjs";
import presetTs8 from "@babel/preset-typescript";
import swc, { type Options as SwcOptions } from "@swc/core";
import { expect } from "vitest";
import smartasync from "../../src/babel-plugin/index.js";
import type { Report } from "../../src/core/report.js";
import { parserFor } from "../../src/swc-plugin/engine.js";
import * as smartasyncSwc from "../../src/swc-plugin/index.js";

const require = createRequire(import.meta.url);
const babel7 = require("babel7-core") as typeof babel8;
const presetTs7 = require("babel7-preset-typescript");
const commonjs7 = require("babel7-plugin-transform-modules-commonjs");

export const ROOT = join(import.meta.dirname, "..", "..");
export const CHILD = join(import.meta.dirname, "child");
export const LONG = process.env.SMARTASYNC_LONG === "1";
/** Multiplier of property runs and corpus size in long mode. */
export const FACTOR = LONG ? Number(process.env.SMARTASYNC_LONG_FACTOR ?? 10) : 1;
/** The fixed seed of every property (override with SMARTASYNC_SEED to explore). */
export const SEED = Number(process.env.SMARTASYNC_SEED ?? 20_240_601);

export const runs = (ci: number): number => Math.max(1, Math.round(ci * FACTOR));

export type BabelVersion = 7 | 8;
export const babels: Record<BabelVersion, typeof babel8> = { 7: babel7, 8: babel8 };

export interface TransformOptions {
  filename?: string;
  plugin?: boolean;
  options?: Record<string, unknown>;
  ts?: boolean;
  commonjs?: boolean;
  sourceType?: "module" | "script" | "unambiguous";
  /** Parse JSX (Babel's parser option; no transform). */
  jsx?: boolean;
}

export interface Result {
  code: string;
  report?: Report;
}

/** Babel with (or without) smartasync: the same pipeline otherwise, so outputs can be compared. */
export function transform(src: string, version: BabelVersion, o: TransformOptions = {}): Result {
  const filename = o.filename ?? join(ROOT, ".tmp/reliability/input.mjs");
  const ts = o.ts ?? /\.[mc]?tsx?$/.test(filename);
  const plugins: babel8.PluginItem[] = [];
  if (o.plugin !== false) plugins.push([smartasync, o.options ?? {}]);
  if (o.commonjs) plugins.push(version === 8 ? commonjs8 : commonjs7);
  const r = babels[version].transformSync(src, {
    filename,
    cwd: ROOT,
    root: ROOT,
    babelrc: false,
    configFile: false,
    highlightCode: false,
    sourceType: o.sourceType ?? (/\.c[jt]s$/.test(filename) ? "script" : "module"),
    ...(o.jsx ? { parserOpts: { plugins: ["jsx"] } } : {}),
    plugins,
    presets: ts ? [version === 8 ? presetTs8 : presetTs7] : [],
  });
  return {
    code: r?.code ?? "",
    report: (r?.metadata as unknown as { smartasync?: Report } | undefined)?.smartasync,
  };
}

export interface SwcTransformOptions {
  filename?: string;
  /** false: plain `@swc/core` with the same options (the reference of the no-harm properties). */
  plugin?: boolean;
  /** smartasync's options (`opts.smartasync`). */
  options?: Record<string, unknown>;
  /** SWC options over the defaults below (shallow; `jsc` replaces the default `jsc` as a whole). */
  swc?: SwcOptions;
}

export interface SwcResult extends Result {
  map?: string;
}

/**
 * The SWC options every SWC property starts from, configured as the Babel driver configures
 * Babel: no `.swcrc` from the repository, the parser chosen by extension (TypeScript stripped),
 * ES modules kept (`.cjs`/`.cts` read as scripts), `esnext` so nothing is down-levelled, and a
 * source map so the no-harm properties compare maps as well as code.
 */
export function swcOptions(filename: string, extra: SwcOptions = {}): SwcOptions {
  return {
    filename,
    cwd: ROOT,
    swcrc: false,
    configFile: false,
    isModule: !/\.c[jt]s$/.test(filename),
    jsc: { parser: parserFor(filename), target: "esnext" },
    sourceMaps: true,
    ...extra,
  };
}

/** `smartasync/swc`'s `transformSync` (or plain `@swc/core`'s), with the report. */
export function transformSwc(src: string, o: SwcTransformOptions = {}): SwcResult {
  const filename = o.filename ?? join(ROOT, ".tmp/reliability/input.mjs");
  const opts = swcOptions(filename, o.swc);
  if (o.plugin === false) {
    const r = swc.transformSync(src, opts);
    return { code: r.code, map: r.map };
  }
  const r = smartasyncSwc.transformSync(src, { ...opts, smartasync: o.options ?? {} });
  return { code: r.code, map: r.map, report: r.smartasync };
}

/** SWC's error text without the native backtrace it may append (addresses differ per call). */
export const swcErrorText = (e: unknown): string =>
  String((e as Error)?.message ?? e).replace(/\s*Stack backtrace:[\s\S]*$/, "");

/** Parses with SWC's own parser (throws on a syntax error). */
export function parsesSwc(code: string, ts = false): void {
  swc.parseSync(
    code,
    ts ? { syntax: "typescript", target: "esnext" } : { syntax: "ecmascript", target: "esnext" },
  );
}

/** Parses with Babel's own parser (throws on a syntax error). */
export function parses(code: string, version: BabelVersion, ts = false): void {
  babels[version].parseSync(code, {
    filename: ts ? "x.ts" : "x.mjs",
    babelrc: false,
    configFile: false,
    sourceType: "module",
    presets: ts ? [version === 8 ? presetTs8 : presetTs7] : [],
  });
}

/** Input files of the adversarial cases (fixed paths, so messages and reports can be compared). */
export const ADV_FILE = join(ROOT, ".tmp/reliability/adv/input.mjs");
export const ADV_TS_FILE = join(ROOT, ".tmp/reliability/adv/input.ts");
export const ADV_REL = ".tmp/reliability/adv/input";

/** A located SAxxx error: code, file:line:col, and a code frame pointing at the line. */
export function expectLocated(err: Error & { code?: string }, code: string, line: number, col: number): void {
  expect(err.code).toBe(code);
  expect(err.message).toContain(`${code}: `);
  expect(err.message).toMatch(new RegExp(`${ADV_REL}\\.(mjs|ts|cjs):${line}:${col}\\)`));
  expect(err.message).toMatch(new RegExp(`\\n> +${line} \\|`)); // the code frame marks that line
}

/** The thrown error of `fn`, or undefined. */
export function thrown(fn: () => unknown): (Error & { code?: string }) | undefined {
  try {
    fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  return undefined;
}

/** A fresh scratch directory under .tmp/reliability (inside the package: self-reference works). */
export function scratch(name: string): string {
  const dir = join(ROOT, ".tmp", "reliability", `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface Run {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** Runs plain `node` with a hard limit (a fault in the child cannot take vitest down). */
export function runNode(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; timeout?: number } = {},
): Run {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: opts.cwd ?? CHILD,
    encoding: "utf8",
    timeout: opts.timeout ?? 60_000,
    env: { ...process.env, ...opts.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  return {
    status: r.status,
    signal: r.signal,
    stdout: r.stdout ?? "",
    stderr: r.stderr ?? "",
    ms,
    timedOut: (r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT",
  };
}

const FIGURES = join(ROOT, ".tmp", "reliability", LONG ? "figures.long.json" : "figures.json");

/** Records a measured figure (printed, and kept in .tmp/reliability/figures*.json for the docs). */
export function record(key: string, value: unknown): void {
  mkdirSync(join(ROOT, ".tmp", "reliability"), { recursive: true });
  const all = existsSync(FIGURES)
    ? (JSON.parse(readFileSync(FIGURES, "utf8")) as Record<string, unknown>)
    : {};
  all[key] = value;
  writeFileSync(FIGURES, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`[reliability] ${key}: ${JSON.stringify(value)}`);
}

/** fast-check parameters: fixed seed (printed), bounded runs. */
export function fcParams(
  name: string,
  ciRuns: number,
): { seed: number; numRuns: number; endOnFailure: true } {
  const numRuns = runs(ciRuns);
  console.log(`[reliability] ${name}: seed ${SEED}, ${numRuns} runs`);
  return { seed: SEED, numRuns, endOnFailure: true };
}
