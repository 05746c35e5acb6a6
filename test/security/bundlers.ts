/**
 * Drives the real bundlers for test/security/: one build per process (bundler-driver.mjs), what
 * the plugin handed the tool read back as JSON.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export const DRIVER = join(import.meta.dirname, "bundler-driver.mjs");
export const TOOLS = ["rollup", "vite", "webpack", "esbuild"] as const;

export interface Message {
  message?: string;
  text?: string;
  frame?: string;
  details?: string;
  code?: string;
  pluginCode?: string;
  id?: string;
}
export interface Built {
  errors: Message[];
  warnings: Message[];
  ms: number;
  /** The driver process's own wall time and how it ended. */
  wall: number;
  status: number | null;
  signal: string | null;
  stderr: string;
}

/** One build by the real tool in a process of its own (bundler-driver.mjs). */
export function build(tool: string, dir: string, entry: string, options: object): Built {
  const t = performance.now();
  const r = spawnSync(process.execPath, [DRIVER, tool, dir, entry, JSON.stringify(options)], {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  const wall = performance.now() - t;
  const out = r.stdout.trim().split("\n").at(-1) ?? "";
  const parsed = out.startsWith("{") ? JSON.parse(out) : { errors: [], warnings: [], ms: -1 };
  return { ...parsed, wall, status: r.status, signal: r.signal, stderr: r.stderr };
}

/** Everything a message says, as one text. */
export function said(m: Message): string {
  return [m.message, m.text, m.frame, m.details].filter(Boolean).join("\n");
}
