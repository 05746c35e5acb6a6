import { fileURLToPath } from "node:url";
import { threadId } from "node:worker_threads";
import { isWorker } from "smartasync/runtime";
import { readFirstLine } from "./legacy.cjs"; // written as TypeScript has it: ./legacy.cts on disk
import { checkWords, digest, readStats, slowTitle } from "./text.js"; // ./text.ts on disk

const notes = new URL("../notes.txt", import.meta.url);

function cli(): void {
  // Sync code: each call gets its value.
  const stats = readStats(notes);
  console.log(`stats: ${stats.lines} lines, ${stats.words} words (inline, thread ${threadId})`);
  console.log(`title: ${slowTitle("notes")}`);
  console.log(`first line: ${readFirstLine(fileURLToPath(notes))}`);
  try {
    checkWords(stats);
  } catch (e) {
    // The stack points at the TypeScript source (inline source maps).
    const at = /src\/text\.ts:\d+:\d+/.exec(String((e as Error).stack));
    console.log(`error: ${(e as Error).message}, thrown at ${at?.[0]}`);
  }
}

async function server(): Promise<void> {
  // Async code: awaited calls keep the event loop free.
  const stats = await readStats(notes);
  console.log(`digest: ${await digest(String(stats.words))}`);
}

if (!isWorker) {
  cli();
  await server();
}
