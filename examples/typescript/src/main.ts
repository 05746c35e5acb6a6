import { isWorker } from "smartasync/runtime";
import { fetchScore, fingerprint, loadUser, type User } from "./users.js";

/** A synchronous command: every call gives its value. */
export function cli(id: number): string {
  const user: User = loadUser(id);
  const score: number = fetchScore(user);
  const print: string = fingerprint(user);
  return `${user.name} (${user.team}) score ${score} fingerprint ${print}`;
}

/** An async handler: awaited calls keep the event loop free. */
export async function handler(id: number): Promise<string> {
  const user = await loadUser(id);
  const [score, print] = await Promise.all([fetchScore.async(user), fingerprint(user)]);
  return `${user.name} (${user.team}) score ${score} fingerprint ${print}`;
}

if (!isWorker) {
  console.log(`sync:  ${cli(1)}`);
  console.log(`async: ${await handler(2)}`);
  try {
    loadUser.sync(9);
  } catch (e) {
    console.log(`error: ${(e as Error).name}: ${(e as Error).message}`);
  }
}
