/**
 * Optional peer dependencies: the compilers smartasync runs in (`@swc/core`, `@babel/core`) and
 * the preset the CLI adds for TypeScript. A project installs only the ones it uses, so each is
 * loaded by name when a feature needs it, and a missing one is one message, the same from every
 * entry point: what needs it, which versions, and the command that installs it.
 *
 * Loading through `require` (not a static `import`) is what makes the message possible: a static
 * import of a missing package fails while Node links the module graph, before any of our code
 * runs, with a bare ERR_MODULE_NOT_FOUND.
 */
import { createRequire } from "node:module";

export const PEERS = {
  "@swc/core": {
    versions: "1.16 or later",
    usedBy:
      "smartasync/swc, smartasync/register, smartasync/jest, `smartasync --compiler swc` and the build-tool plugins' default engine",
  },
  "@babel/core": {
    versions: "7.22 or later, or 8",
    usedBy:
      'smartasync/babel, the smartasync CLI (its default compiler) and the build-tool plugins\' `engine: "babel"`',
  },
  "@babel/preset-typescript": {
    versions: "7 or 8, matching @babel/core",
    usedBy: "the smartasync CLI, for TypeScript files without a Babel config that handles them",
  },
} as const;

export type PeerName = keyof typeof PEERS;

/** The `code` of the error a missing peer throws. */
export const MISSING_PEER = "SMARTASYNC_MISSING_PEER";

/**
 * `<who> needs <peer> (<versions>), which is not installed: install it with \`npm i -D <peer>\``;
 * `who` names the feature when the caller knows it, else every feature that uses the peer.
 */
export function missingPeerMessage(name: PeerName, who?: string): string {
  const peer = PEERS[name];
  return `${who ?? peer.usedBy} ${who ? "needs" : "need"} ${name} (${peer.versions}), which is not installed: install it with \`npm i -D ${name}\``;
}

/** A `SmartAsyncError` (code `SMARTASYNC_MISSING_PEER`) saying that `name` is missing; `hint` is added after it. */
export function missingPeer(name: PeerName, who?: string, hint?: string): Error {
  const err = new Error(`smartasync: ${missingPeerMessage(name, who)}${hint ? `. ${hint}` : ""}`);
  err.name = "SmartAsyncError";
  return Object.assign(err, { code: MISSING_PEER, peer: name });
}

/** Whether `e` is Node's "cannot find module" for the package `name` itself (not for a file inside it, nor a package it imports). */
export function isNotFound(e: unknown, name: string): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (err?.code !== "MODULE_NOT_FOUND" && err?.code !== "ERR_MODULE_NOT_FOUND") return false;
  const first = typeof err.message === "string" ? (err.message.split("\n")[0] ?? "") : "";
  return first.includes(`'${name}'`) || first.includes(`"${name}"`);
}

const ownRequire = createRequire(import.meta.url);

/**
 * Loads the peer `name` as smartasync's own `import` would find it (Node's lookup from this
 * package's directory, which in an installed project is the project's node_modules). Any other
 * failure (a broken install, a native binding that does not load) is rethrown as it is.
 */
export function requirePeer<T>(name: PeerName, who?: string): T {
  try {
    return ownRequire(name) as T;
  } catch (e) {
    if (isNotFound(e, name)) throw missingPeer(name, who);
    throw e;
  }
}

/** Throws the missing-peer error unless `name` can be resolved (without loading it). */
export function assertPeer(name: PeerName, who?: string): void {
  try {
    ownRequire.resolve(name);
  } catch (e) {
    if (isNotFound(e, name)) throw missingPeer(name, who);
    throw e;
  }
}
