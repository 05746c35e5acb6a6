import { readFile } from "node:fs/promises";
import { smartasync } from "smartasync/runtime";

interface Greetings {
  hello: string;
}

// @smartasync
export async function loadGreetings(file: string | URL): Promise<Greetings> {
  return JSON.parse(await readFile(file, "utf8")) as Greetings; // inline: readFileSync is its sync twin
}

/** The typed form: sync code gets a string, async code a promise, and both type-check. */
export const greet = smartasync(
  async (name: string, file: string | URL = "greetings.json"): Promise<string> => {
    const greetings = await loadGreetings(file); // inline: loadGreetingsSync
    return `${greetings.hello}, ${name}!`;
  },
);

export const shout = smartasync(async (text: string): Promise<string> => {
  await new Promise((resolve) => setTimeout(resolve, 1)); // no sync twin: shout's sync variant runs in a worker
  return text.toUpperCase();
});

export const checksum = smartasync((text: string): string => {
  let h = 0; // CPU-bound and sync: awaited, it runs in the worker pool
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h.toString(16);
});
