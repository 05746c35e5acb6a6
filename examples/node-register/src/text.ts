import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { threadId } from "node:worker_threads";

export interface Stats {
  lines: number;
  words: number;
}

// @smartasync
export async function readStats(path: URL): Promise<Stats> {
  const text = await readFile(path, "utf8"); // has a sync twin: the sync variant is inline
  const lines = text.trimEnd().split("\n");
  return { lines: lines.length, words: text.split(/\s+/).filter(Boolean).length };
}

// @smartasync
export async function slowTitle(name: string): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 20)); // no sync twin: the sync variant runs on a worker
  return `${name.toUpperCase()} (worker thread ${threadId})`;
}

// @smartasync
export function digest(text: string): string {
  // CPU-bound and sync: an awaited call runs it in the worker pool
  let h = text;
  for (let i = 0; i < 2000; i++) h = createHash("sha256").update(h).digest("hex");
  return `${h.slice(0, 12)} (pool thread ${threadId})`;
}

export function checkWords(stats: Stats): void {
  if (stats.words < 100) throw new RangeError(`only ${stats.words} words`);
}
