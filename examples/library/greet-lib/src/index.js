import { readFile } from "node:fs/promises";

// @smartasync
export async function greeting(lang) {
  const table = JSON.parse(await readFile(new URL("../greetings.json", import.meta.url), "utf8"));
  return table[lang] ?? table.en;
}

// @smartasync
export async function greet(name, lang = "en") {
  return `${await greeting(lang)}, ${name}!`;
}

// @smartasync
export function wordCount(text) {
  return text.split(/\s+/).filter(Boolean).length;
}
