/**
 * Finds the Babel compiler: the project's own `@babel/core` (7.22+ or 8, resolved from the
 * project directory) first, then the one next to smartasync. `@babel/core` is an optional peer
 * dependency, so its absence is a clear usage error naming the package to install.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { missingPeerMessage } from "../core/peers.js";

export type BabelCore = typeof import("@babel/core");

const cores = new Map<string, Promise<BabelCore>>();
const presets = new Map<string, Promise<unknown>>();

export class MissingPackageError extends Error {
  readonly code = "MISSING_PACKAGE";
  constructor(message: string) {
    super(message);
    this.name = "MissingPackageError";
  }
}

function resolveFrom(dir: string, request: string): string | undefined {
  try {
    return createRequire(join(dir, "__smartasync__.js")).resolve(request);
  } catch {
    return undefined;
  }
}

function resolveOwn(request: string): string | undefined {
  try {
    return createRequire(import.meta.url).resolve(request);
  } catch {
    return undefined;
  }
}

async function importDefaultish<T>(file: string): Promise<T> {
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  return ((mod as Record<string, unknown>).transformAsync ? mod : (mod.default ?? mod)) as T;
}

/** `@babel/core` as seen from `projectDir`. */
export function loadBabel(projectDir: string): Promise<BabelCore> {
  let p = cores.get(projectDir);
  if (p === undefined) {
    const file = resolveFrom(projectDir, "@babel/core") ?? resolveOwn("@babel/core");
    p =
      file === undefined
        ? Promise.reject(
            new MissingPackageError(
              missingPeerMessage("@babel/core", "the smartasync CLI (--compiler babel)"),
            ),
          )
        : importDefaultish<BabelCore>(file);
    cores.set(projectDir, p);
  }
  return p;
}

/** `@babel/preset-typescript` as seen from `projectDir`, for TypeScript files without a config that handles them. */
export function loadPresetTypescript(projectDir: string): Promise<unknown> {
  let p = presets.get(projectDir);
  if (p === undefined) {
    const file =
      resolveFrom(projectDir, "@babel/preset-typescript") ?? resolveOwn("@babel/preset-typescript");
    p =
      file === undefined
        ? Promise.reject(
            new MissingPackageError(
              missingPeerMessage(
                "@babel/preset-typescript",
                "TypeScript files (no Babel config here handles TypeScript)",
              ),
            ),
          )
        : import(pathToFileURL(file).href).then((m: { default?: unknown }) => m.default ?? m);
    presets.set(projectDir, p);
  }
  return p;
}
