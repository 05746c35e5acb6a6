import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const fixtures = join(import.meta.dirname, "fixtures");
export const esmPath = join(fixtures, "esm.mjs");
export const esmUrl = pathToFileURL(esmPath).href;
export const cjsPath = join(fixtures, "cjs.cjs");

export interface Run {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs plain `node` on a fixture script (or `-e` code) and waits for it, with a hard limit. */
export function runNode(args: string[], opts: { env?: Record<string, string>; timeout?: number } = {}): Run {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: fixtures,
    encoding: "utf8",
    timeout: opts.timeout ?? 30_000,
    env: { ...process.env, ...opts.env },
  });
  return {
    status: r.status,
    signal: r.signal,
    stdout: r.stdout,
    stderr: r.stderr,
    ms: performance.now() - t0,
  };
}
