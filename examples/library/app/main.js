// An application that uses greet-lib as an installed package: no source of it is read, only
// its manifest, and calls get the variant their context needs.
import { greet, wordCount } from "greet-lib";

export function cli() {
  const line = greet("Ada", "fr"); // sync code: the value (greetSync)
  console.log(line, `(${wordCount(line)} words)`);
}

export async function handler() {
  const line = await greet("Bob", "it"); // awaited: the promise
  console.log(line, `(${await wordCount(line)} words, counted off the event loop)`);
}
