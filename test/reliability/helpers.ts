/**
 * Shared helpers of the reliability suite: budgets (CI vs SMARTASYNC_LONG=1), the fixed seed,
 * Babel 7 / Babel 8 drivers with and without the plugin, a scratch directory inside the package
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
import smartasync from "../../src/babel-plugin/index.js";
import type { Report } from "../../src/core/report.js";

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
    plugins,
    presets: ts ? [version === 8 ? presetTs8 : presetTs7] : [],
  });
  return {
    code: r?.code ?? "",
    report: (r?.metadata as unknown as { smartasync?: Report } | undefined)?.smartasync,
  };
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
