import { readFile } from "node:fs/promises";
import { smartasync } from "smartasync/runtime";

export interface User {
  id: number;
  name: string;
  team: string;
}

const DATA = new URL("../users.json", import.meta.url);

/** The typed form: sync code gets a `User`, async code a `Promise<User>` — and both type-check. */
export const loadUser = smartasync(async (id: number): Promise<User> => {
  const users = JSON.parse(await readFile(DATA, "utf8")) as User[];
  const user = users.find((u) => u.id === id);
  if (!user) throw new RangeError(`no user ${id}`);
  return user;
});

/** No sync twin for this await: its sync variant runs in a worker. */
export const fetchScore = smartasync(async (user: User): Promise<number> => {
  const score = await new Promise<number>((resolve) => setTimeout(() => resolve(user.name.length * 10), 5));
  return score;
});

/** A CPU-bound sync function: awaited, it runs in the worker pool. */
export const fingerprint = smartasync((user: User): string => {
  let h = 2166136261;
  for (let round = 0; round < 2000; round++) {
    for (const ch of `${user.id}:${user.name}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  }
  return h.toString(16);
});

// The comment form also works in TypeScript; its generated variant (`teamOfSync`) is typed in
// the `.d.ts` that `smartasync build` emits.
// @smartasync
export async function teamOf(id: number): Promise<string> {
  const user = await loadUser(id);
  return user.team;
}
