import type { Options } from "./options.js";
import type { FunctionKind } from "./strategy.js";

/** `load` → `loadSync`, `hash` → `hashAsync` (DESIGN §1, Node's own naming). */
export function variantName(name: string, kind: FunctionKind, options: Options): string {
  return name + (kind === "async" ? options.syncSuffix : options.asyncSuffix);
}

/** Inverse of variantName: for a hand-written `loadSync()`, the function it is a variant of. */
export function variantOf(name: string, options: Options): { base: string; kind: FunctionKind } | undefined {
  if (name.endsWith(options.syncSuffix) && name.length > options.syncSuffix.length) {
    return { base: name.slice(0, -options.syncSuffix.length), kind: "async" };
  }
  if (name.endsWith(options.asyncSuffix) && name.length > options.asyncSuffix.length) {
    return { base: name.slice(0, -options.asyncSuffix.length), kind: "sync" };
  }
  return undefined;
}

/**
 * The name a variant is exported under, next to a function exported as `exported`:
 * `export { f }` → `fSync`, `export { f as g }` → `gSync`, `export default f` (or `f as default`)
 * → the variant's own name, `fSync`. A variant named by the annotation (`sync=readBlocking`)
 * keeps its name under every export. One rule for declarations, re-exports, CommonJS exports
 * and manifests.
 */
export function exportedVariant(
  exported: string,
  local: string,
  variant: string,
  kind: FunctionKind,
  options: Options,
  explicit = false,
): string {
  return explicit || exported === "default" || exported === local
    ? variant
    : variantName(exported, kind, options);
}

const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;

/**
 * Whether a name can be written as an identifier (`loadSync`), or must be quoted where the
 * syntax allows a string (`export { f as "a-b" }`, `{ "a-b": f }`).
 */
export function isIdentifierName(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** A hint for a generated local name (`_a_bSync` for `"a-bSync"`). */
export function identifierHint(name: string): string {
  const cleaned = name.replace(/[^\p{ID_Continue}$]/gu, "_");
  return isIdentifierName(cleaned) ? cleaned : `_${cleaned}`;
}
