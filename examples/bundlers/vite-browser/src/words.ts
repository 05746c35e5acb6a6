import { smartasync } from "smartasync/runtime";

/** Texts by name: in a real page, a cache in front of fetch or IndexedDB. */
export class TextStore {
  constructor(private readonly texts: Record<string, string>) {}

  // @smartasync
  async read(name: string): Promise<string> {
    const text = this.texts[name];
    if (text === undefined) throw new Error(`no text named ${name}`);
    return text;
  }
}

// @smartasync
export async function countWords(store: TextStore, name: string): Promise<number> {
  const text = await store.read(name); // dispatched: the marker on read gives readSync in sync code
  return text.split(/\s+/).filter(Boolean).length;
}

/** The typed form: sync code gets a string, async code a promise, and both type-check. */
export const summary = smartasync(async (store: TextStore, name: string): Promise<string> => {
  const words = await countWords(store, name); // inline: countWordsSync
  return `${name}: ${words} words`;
});

// @smartasync
export async function firstLine(text: string | Promise<string>): Promise<string> {
  const value = await text; // may be a promise: the sync variant checks it at run time (a guard)
  return value.split("\n")[0];
}

// @smartasync
export async function later(text: string): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 1)); // no sync form: only awaited in a browser
  return text.toUpperCase();
}
