/**
 * The mark smartasync's own hosts put on their options to `smartasync/swc` (the CLI's
 * `--compiler swc`, register's TypeScript files, jest): every file they hand over is held to
 * the per-file limits (compile/limits.ts) before `@swc/core` sees it, one that smartasync leaves
 * as it is too, so that one file nested past what SWC survives is a located SA901 and the other
 * files go on (SECURITY.md). Without the mark, `smartasync/swc` is the caller's drop-in for
 * `@swc/core`: a file it has to parse is held to the limits; one it leaves as it is goes to SWC
 * unread, as calling `@swc/core` directly would send it (issue 16: the nesting pass, a reading of
 * every character in JavaScript, was most of what the wrapper cost on such files).
 *
 * A symbol key, not an option: SWC never sees it (its options are serialised as JSON, which
 * leaves symbol keys out), it survives the front end's copies of the options (`{ ...opts }`),
 * and no user writes it.
 */
const EVERY_FILE: unique symbol = Symbol("smartasync: hold every file to the limits");

/** `opts`, marked: every file goes through the per-file limits first. */
export function checkingEveryFile<T extends object>(opts: T): T {
  return { ...opts, [EVERY_FILE]: true };
}

/** Did a host of smartasync's own mark these options (`checkingEveryFile`)? */
export function checksEveryFile(opts: object | undefined): boolean {
  return opts !== undefined && (opts as { [EVERY_FILE]?: unknown })[EVERY_FILE] === true;
}

/** The folder `smartasync build` compiles (a symbol key, as `EVERY_FILE`: attack31 F14). */
const COMPILES: unique symbol = Symbol("smartasync: the folder the build compiles");

/** `opts`, marked with the folder the host compiles: an imported file outside it is not compiled. */
export function compilingFolder<T extends object>(opts: T, dir: string | undefined): T {
  return dir === undefined ? opts : { ...opts, [COMPILES]: dir };
}

/**
 * Files a host of smartasync's own runs as they are, with why (`smartasync/register`: JavaScript
 * inside `node_modules`, attack34 F08): an import of one is read as the plain code Node runs.
 */
const LEAVES: unique symbol = Symbol("smartasync: files the host runs as they are");

/** `opts`, marked with the files the host leaves as they are (`leaves`: why, or undefined). */
export function leavingFiles<T extends object>(opts: T, leaves: (file: string) => string | undefined): T {
  return { ...opts, [LEAVES]: leaves };
}

/** The files a host of smartasync's own said it leaves as they are (`leavingFiles`), if any. */
export function leftFiles(opts: object | undefined): ((file: string) => string | undefined) | undefined {
  const leaves = (opts as { [LEAVES]?: unknown } | undefined)?.[LEAVES];
  return typeof leaves === "function" ? (leaves as (file: string) => string | undefined) : undefined;
}

/** The folder a host of smartasync's own said it compiles (`compilingFolder`), if any. */
export function compiledFolder(opts: object | undefined): string | undefined {
  const dir = (opts as { [COMPILES]?: unknown } | undefined)?.[COMPILES];
  return typeof dir === "string" ? dir : undefined;
}
