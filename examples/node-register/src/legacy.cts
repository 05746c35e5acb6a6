// A CommonJS module (.cts): compiled to CommonJS, imported by name from an ES module.
import { readFile } from "node:fs/promises";

// @smartasync
export async function readFirstLine(path: string): Promise<string> {
  const text = await readFile(path, "utf8");
  return text.split("\n")[0];
}
