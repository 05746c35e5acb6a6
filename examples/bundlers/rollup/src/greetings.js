import { readFile } from "node:fs/promises";

// @smartasync
export async function loadGreetings(file) {
  return JSON.parse(await readFile(file, "utf8")); // inline: readFileSync is its sync twin
}

// @smartasync
export async function greet(name, file = "greetings.json") {
  const greetings = await loadGreetings(file); // inline: loadGreetingsSync
  return `${greetings.hello}, ${name}!`;
}

// @smartasync
export async function shout(text) {
  await new Promise((resolve) => setTimeout(resolve, 1)); // no sync twin: shoutSync runs in a worker
  return text.toUpperCase();
}

// @smartasync
export function checksum(text) {
  let h = 0; // CPU-bound and sync: awaited, it runs in the worker pool (checksumAsync)
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h.toString(16);
}
