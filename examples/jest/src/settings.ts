import { readFile } from "node:fs/promises";
import { threadId } from "node:worker_threads";

export interface Settings {
  name: string;
  retries: number;
}

// @smartasync
export async function loadSettings(path: string): Promise<Settings> {
  const text = await readFile(path, "utf8"); // has a sync twin: the sync variant is inline
  return { retries: 3, ...JSON.parse(text) };
}

// @smartasync
export async function remoteName(id: number): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 10)); // no sync twin: the sync variant runs on a worker
  return `user-${id}@thread-${threadId}`;
}

/** Sync code that calls the async functions and gets values. */
export function summary(path: string, id: number): string {
  const settings = loadSettings(path);
  return `${settings.name} retries=${settings.retries} owner=${remoteName(id)}`;
}

// @smartasync
export async function settingsAt(strings: TemplateStringsArray, ...values: unknown[]): Promise<Settings> {
  return loadSettings(String.raw(strings, ...values)); // a template tag: `settingsAt`${dir}/settings.json``
}
