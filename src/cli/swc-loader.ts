/**
 * Loads the SWC path for `--compiler swc`: `smartasync/swc` (the public front end) and its
 * configuration reader. They are imported only when asked for, because `smartasync/swc`
 * imports `@swc/core`, an optional peer dependency: without it the Babel path must still work,
 * and `--compiler swc` must say what to install (a usage error, exit 2).
 */
import { isNotFound, MISSING_PEER, missingPeerMessage } from "../core/peers.js";
import { MissingPackageError } from "./babel-loader.js";

export interface SwcModules {
  /** `smartasync/swc`: `@swc/core`'s transform functions with smartasync in front. */
  frontEnd: typeof import("../swc-plugin/index.js");
  /** How `@swc/core` 1.16 finds and reads `.swcrc` (read, never applied). */
  config: typeof import("../swc-plugin/config.js");
}

export const SWC_MISSING = missingPeerMessage("@swc/core", "--compiler swc");

let loading: Promise<SwcModules> | undefined;

/** The SWC path's modules, loaded once per process (and once per worker of `--jobs N`). */
export function loadSwc(): Promise<SwcModules> {
  loading ??= Promise.all([import("../swc-plugin/index.js"), import("../swc-plugin/config.js")]).then(
    ([frontEnd, config]) => ({ frontEnd, config }),
    (e: unknown) => {
      throw loadError(e);
    },
  );
  return loading;
}

/** `@swc/core` not found is the common case; anything else keeps its first line. */
function loadError(e: unknown): MissingPackageError {
  const err = e as { code?: unknown; message?: unknown } | null;
  const message = typeof err?.message === "string" ? err.message : String(e);
  if (err?.code === MISSING_PEER || isNotFound(e, "@swc/core")) {
    return new MissingPackageError(SWC_MISSING);
  }
  return new MissingPackageError(
    `--compiler swc: the SWC compiler (@swc/core) cannot be loaded: ${message.split("\n")[0]}`,
  );
}
