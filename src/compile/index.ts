/**
 * The per-file compile service every host calls: the bundler plugins (both engines),
 * `smartasync/register` and `smartasync/jest` (through `smartasync/swc`), `smartasync/swc`
 * itself and so the CLI's `--compiler swc`. One place for
 *
 * - the options: the project's file under the host's own (options.ts, `resolveFileOptions`);
 * - the per-file limits (limits.ts): a file nested past what `@swc/core` survives is a located
 *   SA901 in every host;
 * - the fast path (fast-path.ts): "is there anything to do in this file", asked before a parse;
 * - the engines: `swc` (`@swc/core` parses, smartasync's plan is applied as text edits, the
 *   edits' own source map) or `babel` (`@babel/core` parses and prints with only the smartasync
 *   plugin and the syntax plugins the extension needs). Both apply smartasync and nothing else:
 *   TypeScript, JSX and syntax a target lacks stay for the compiler that runs after.
 *
 * Both compilers are optional peer dependencies, loaded on first use; a missing one is a
 * `MissingPeerError` naming the package to install.
 *
 * Caches, for whoever adds one: the project options per folder (options.ts, checked against
 * the files' stamps); the module graph per options, which holds the facts of imported modules
 * (swc-plugin/engine.ts `graphFor`; the Babel plugin's own, which `moduleGraphFor` exposes);
 * register's on-disk cache of whole outputs (register/compile.ts). The fast path's question
 * is asked in fast-path.ts only.
 */
import { createRequire } from "node:module";
import { missingPeerMessage } from "../core/peers.js";
import type { CompileRequest, CompileResult } from "./types.js";
import { MissingPeerError, optionsOf } from "./types.js";

export { nothingToDo } from "./fast-path.js";
export { checkLimits } from "./limits.js";
export { CONFIG_FILE, loadProjectOptions, type ProjectOptions, resolveFileOptions } from "./options.js";
export {
  type CompileRequest,
  type CompileResult,
  type EngineName,
  MissingPeerError,
  type SourceMapJson,
} from "./types.js";

const require = createRequire(import.meta.url);

function isPackageMissing(name: string): boolean {
  try {
    require.resolve(name);
    return false;
  } catch {
    return true;
  }
}

// One wording for a missing peer everywhere (core/peers.ts), plus the engine's own way out.
const SWC_MISSING = `smartasync: ${missingPeerMessage("@swc/core", "the SWC engine (the default)")}, or set \`engine: "babel"\` (with @babel/core installed)`;
const BABEL_MISSING = `smartasync: ${missingPeerMessage("@babel/core", "the Babel engine")}`;

let swc: Promise<typeof import("./swc.js")> | undefined;
let babel: Promise<typeof import("./babel.js")> | undefined;

/**
 * One file through the chosen engine: limits, options, fast path, then the engine. Throws
 * smartasync's diagnostics (SAxxx, located, with a code frame), `MissingPeerError`, and the
 * compiler's own parse errors.
 */
export async function compileFile(req: CompileRequest): Promise<CompileResult> {
  if (req.engine === "swc") {
    if (!swc) {
      if (isPackageMissing("@swc/core")) throw new MissingPeerError(SWC_MISSING);
      swc = import("./swc.js");
    }
    return (await swc).compileFileSync(req);
  }
  if (!babel) {
    if (isPackageMissing("@babel/core")) throw new MissingPeerError(BABEL_MISSING);
    babel = import("./babel.js");
  }
  return (await babel).compileBabel(req, optionsOf(req));
}
