import { loadSettings } from "./settings.js";

/** Sync code that calls the imported async function and gets its value. */
export function greeting(path: string): string {
  const settings = loadSettings(path);
  return `Hello from ${settings.name}`;
}

// @smartasync
export async function describeSettings(path: string): Promise<string> {
  const settings = await loadSettings(path); // the sync variant's copy calls it too
  return `${settings.name} (${settings.retries} retries)`;
}

/** Sync code that calls the local async function: its sync variant. */
export function banner(path: string): string {
  return `[${describeSettings(path)}]`;
}
