import { isBuiltin } from "node:module";
import type { ImportedCallee, ResolvedTwin } from "../twins.js";
import { isTwinModule } from "../twins.js";
import type { Ctx } from "./ctx.js";
import type { ExportNames } from "./export-names.js";

/**
 * Twins by name (docs/modules.md, "Twins by name"): a plain module (no smartasync manifest, not
 * a built-in with a twin table) that exports both `x` and `x` + `syncSuffix` ships a hand-written
 * twin, and an awaited `x(…)` becomes a call of it in the inline sync variant. Both names must be
 * read from the module's own text; a module whose exports cannot be read has no twin by name.
 */

/** The package a specifier names (`@scope/pkg/sub` → `@scope/pkg`), for `exclude` entries. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

function enabledFor(ctx: Ctx, module: string): boolean {
  const option = ctx.options.twinsByName;
  if (option === false) return false;
  if (option === true) return true;
  return !option.exclude.some((m) => m === module || m === packageName(module));
}

/** The export an imported callee names, and what the module exports, when both can be read. */
function exportsOf(ctx: Ctx, imported: ImportedCallee): { name: string; exports: ExportNames } | undefined {
  const m = imported.module;
  if (imported.path.length !== 1 || m.startsWith("node:") || isBuiltin(m)) return undefined;
  if (isTwinModule(m, ctx.options)) return undefined; // the tables decide for these
  if (!ctx.graph || !ctx.filename) return undefined;
  // Through the graph, which notes the read for the facts store (module-graph.ts, `Dep`).
  const exports = ctx.graph.exportNames(m, ctx.filename);
  if (!exports) return undefined;
  // `import lib from "esm"`: `lib.x` is a property of one exported value, not an export.
  if (imported.via === "default" && !exports.commonjs) return undefined;
  return { name: imported.path[0]!, exports };
}

/**
 * Node pairs whose promise form (`promisify(m.x)`) and sync form (`m.xSync`) take the same
 * arguments and give the same value. Every other pair of Node's own functions is not taken for
 * twins by name, whatever a helper module calls them (attack26 F07; fixture
 * twins/by-name-node-functions): `promisify(child_process.exec)` resolves to
 * `{ stdout, stderr }` where `execSync` returns stdout, `promisify(fs.read)` to
 * `{ bytesRead, buffer }` where `readSync` returns the count, `fs.promises.readFile` refuses a
 * file descriptor `readFileSync` reads. The build sees both sides there, so it does not take the
 * name's word for it.
 */
const SAME_NODE_PAIRS = new Set(
  [
    "gzip",
    "gunzip",
    "deflate",
    "inflate",
    "deflateRaw",
    "inflateRaw",
    "unzip",
    "brotliCompress",
    "brotliDecompress",
  ].map((f) => `promisify(zlib.${f}) zlib.${f}Sync`),
);

/**
 * Why `x` and `xSync` of `exports` are not twins though both are exported: both are visibly
 * Node's own functions, not a pair known to mean the same.
 */
function nodeMismatch(exports: ExportNames, name: string, twin: string): string | undefined {
  const a = exports.node.get(name);
  const b = exports.node.get(twin);
  if (!a || !b || SAME_NODE_PAIRS.has(`${a} ${b}`)) return undefined;
  return `both are Node's own functions, whose results or arguments differ: ${name} is ${a}, ${twin} is ${b}`;
}

/** The hand-written twin of an imported callee, found by name; undefined when not proven. */
export function twinByName(ctx: Ctx, imported: ImportedCallee): ResolvedTwin | undefined {
  if (!enabledFor(ctx, imported.module)) return undefined;
  const found = exportsOf(ctx, imported);
  if (!found) return undefined;
  const twin = `${found.name}${ctx.options.syncSuffix}`;
  if (!found.exports.names.has(found.name) || !found.exports.names.has(twin)) return undefined;
  // An ES import of a CommonJS module sees the names Node's export scanner finds, not every
  // property: `Object.defineProperty(exports, "findSync", { get: () => findSync })` is none of
  // them, and the twin, read from the module's namespace (a default import's too), was
  // `undefined` there (attack35 F07; fixture twins/by-name-cjs-hidden).
  if (imported.via !== undefined && found.exports.esHidden?.has(twin)) return undefined;
  // `export async function xSync`: named like a twin, visibly not one.
  if (found.exports.async.has(twin)) return undefined;
  if (nodeMismatch(found.exports, found.name, twin)) return undefined;
  return { module: imported.module, name: twin };
}

/**
 * What to tell the author of an awaited imported call with no twin: the `twins` entry to add,
 * filled in with the module's own sync-named export when it has one.
 */
export function twinSuggestion(
  ctx: Ctx,
  imported: ImportedCallee,
): { entry: string; sameModule: string | undefined } | undefined {
  if (imported.path.length !== 1) return undefined;
  const name = imported.path[0]!;
  const twin = `${name}${ctx.options.syncSuffix}`;
  const found = exportsOf(ctx, imported);
  // A twin an import cannot see is no suggestion: the `twins` entry would read it as undefined
  // (a pair of Node's own functions is said to be one first: fixture twins/by-name-node-functions).
  const mismatched = found?.exports.names.has(name) && nodeMismatch(found.exports, name, twin);
  // Why no importer sees it: an ambiguous `export *` name, a hidden property through a star
  // (attack36 F01, F02), or, for an import, a property Node's scanner does not read.
  const hidden =
    (found && !found.exports.names.has(twin) ? found.exports.unseen?.get(twin) : undefined) ??
    (imported.via !== undefined ? found?.exports.esHidden?.get(twin) : undefined);
  if (hidden !== undefined && !mismatched)
    return {
      entry: `{ ${JSON.stringify(imported.module)}: { ${JSON.stringify(name)}: { "module": "…", "name": "…" } } }`,
      sameModule: `${imported.module} ${hidden}`,
    };
  const has = (found?.exports.names.has(twin) ?? false) && !found?.exports.async.has(twin);
  // An `xSync` that is Node's own function of another result is not suggested either.
  const mismatch =
    found && has && found.exports.names.has(name) ? nodeMismatch(found.exports, name, twin) : undefined;
  const target = has && !mismatch ? JSON.stringify(twin) : `{ "module": "…", "name": "…" }`;
  const entry = `{ ${JSON.stringify(imported.module)}: { ${JSON.stringify(name)}: ${target} } }`;
  if (mismatch)
    return { entry, sameModule: `${imported.module} exports ${twin}; it is not a twin by name: ${mismatch}` };
  if (!has) return { entry, sameModule: undefined };
  const why = enabledFor(ctx, imported.module)
    ? `it is not a twin by name because ${imported.module} does not export ${name} itself`
    : "twins by name are off for it";
  return { entry, sameModule: `${imported.module} exports ${twin}; ${why}` };
}
