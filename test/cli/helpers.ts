/** Runs the real built binary (`node dist/cli/bin.js`) on small trees under .tmp/cli-tests/. */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const BIN = join(ROOT, "dist", "cli", "bin.js");
export const TMP = join(ROOT, ".tmp", "cli-tests");

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cli(
  args: string[],
  cwd: string,
  env: Record<string, string | undefined> = {},
  timeout = 60_000,
): Run {
  const base = { ...process.env };
  // The tests decide about colour and CI themselves.
  delete base.FORCE_COLOR;
  delete base.NO_COLOR;
  delete base.CI;
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...base, ...env },
    timeout,
    // `inspect fixtures -f json` prints more than spawnSync's default 1 MB (which cuts it short).
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes `files` (path → content) into a fresh directory `.tmp/cli-tests/<name>` and returns it. */
export function tree(name: string, files: Record<string, string>): string {
  const dir = join(TMP, name);
  rmSync(dir, { recursive: true, force: true });
  for (const [path, content] of Object.entries(files)) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Copies `paths` (relative to `from`, files or folders) into `to`; `build`, `dist` and `node_modules` folders are left out. */
export function copyInto(from: string, paths: string[], to: string): void {
  for (const p of paths) {
    cpSync(join(from, p), join(to, p), {
      recursive: true,
      filter: (src) => !["build", "dist", "node_modules"].includes(basename(src)) || src === join(from, p),
    });
  }
}

/** Runs `node <file>` in `cwd`; stdout, stderr and the exit status. */
export function node(file: string, cwd: string): Run {
  const r = spawnSync(process.execPath, [file], { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A package manifest without its `stamps` (digests of the files it describes, which are each
 * compiler's own output): what the Babel and SWC builds must agree on.
 */
export function manifestFacts(text: string): unknown {
  const { stamps: _stamps, ...facts } = JSON.parse(text) as Record<string, unknown>;
  return facts;
}

/** Output with its timings masked (`0.42 s`, `12.3 ms`), so two runs compare equal. */
export function untimed(text: string): string {
  return text.replace(/\d+(\.\d+)? (m?s)\b/g, "N $2");
}

/** An app with an inline and a worker variant, an SA201 floating promise and an offload. */
// `.items`: a value use, so the call's context does not depend on `cli`'s callers (docs/semantics.md,
// "A call's promise returned by a plain function").
export const APP = `import { readFile } from "node:fs/promises";

// @smartasync
export async function loadConfig(path) {
  const text = await readFile(path, "utf8");
  return JSON.parse(text);
}

// @smartasync
export async function fetchJson(url) {
  const res = await fetch(url);
  return res.json();
}

export function cli() {
  const cfg = loadConfig("app.json");
  return fetchJson(cfg.url).items;
}

export async function handler() {
  loadConfig("again.json");
  return 1;
}
`;

/** A file with no annotation at all. */
export const PLAIN = `export const answer = 42;\n`;

/** SA101: words after the tag (a thrown error). */
export const MALFORMED = `/* @smartasync inline */
export async function load() {
  return 1;
}
`;

export const SYNTAX = `export const x = ;\n`;
