// Type tests of the typed form (DESIGN §6), checked by `tsc --noEmit` (CI) and by
// test/types.test.ts. Correct uses must compile; each `@ts-expect-error` marks a wrong use that
// must be rejected (tsc fails if it is not).
import { type Both, smartasync } from "../../src/runtime/index.js";

interface User {
  id: number;
  name: string;
}

export const loadUser = smartasync(async (id: number): Promise<User> => ({ id, name: `user ${id}` }));
export const hash = smartasync((s: string): number => s.length);
export const findUser = smartasync(
  async (id: number): Promise<User | null> => (id > 0 ? { id, name: "x" } : null),
);

export function syncContext(): string {
  const user: User = loadUser(1); // in sync code the compiled call gives the value
  const again: User = loadUser.sync(2);
  const n: number = hash("abc");
  const m: number = hash.sync("abc");
  return user.name + again.name + n + m;
}

export async function asyncContext(): Promise<string> {
  const user: User = await loadUser(1);
  const viaThen: Promise<string> = loadUser(1).then((u) => u.name);
  const explicit: Promise<User> = loadUser.async(1);
  const offloaded: number = await hash(String(user.id));
  const offloadedToo: Promise<number> = hash.async("x");
  return user.name + (await viaThen) + (await explicit).name + offloaded + (await offloadedToo);
}

export async function nullable(): Promise<void> {
  const maybe = findUser(1);
  // @ts-expect-error null is kept: the sync value may be null
  maybe.name;
  if (maybe) maybe.name.toUpperCase();
  const awaited: User | null = await findUser(2);
  awaited?.name;
}

// Both<R>: the value and a promise of it; null and undefined stay outside the intersection.
export type Checks = [
  Both<User> extends User ? true : never,
  Both<User> extends Promise<User> ? true : never,
  Awaited<Both<User>> extends User ? true : never,
  null extends Both<User | null> ? true : never,
];

export function wrongUses(): void {
  // @ts-expect-error a .sync() result is the value, not a promise
  loadUser.sync(1).then(() => {});
  // @ts-expect-error wrong argument type
  loadUser("1");
  // @ts-expect-error wrong argument type to the sync variant
  loadUser.sync("x");
  // @ts-expect-error wrong argument type to the async variant
  hash.async(1);
  // @ts-expect-error the async variant is a promise, not the value
  const n: number = hash.async("x");
  // @ts-expect-error too many arguments
  hash("a", "b");
  void n;
}
