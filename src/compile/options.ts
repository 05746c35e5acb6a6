/**
 * Where a project's smartasync options live, read the same way by every host (the Babel plugin,
 * `smartasync/swc`, the bundler plugins, `smartasync/register`, `smartasync/jest` and the CLI),
 * so that `inspect` and `check` report what the build does (docs/semantics.md#options).
 *
 * The project file is the first of these found from the compiled file's folder upward; the
 * first folder that holds either ends the search (a package's own settings, never a parent's):
 *
 * - `smartasync.config.json`: the options object (JSON, so no code runs to read it);
 * - `package.json`, its `"smartasync"` field: the options object, plus `manifest` (the path of
 *   the library's package manifest, which importers read; it is not an option).
 *
 * Both in one folder, with options in both, is SA104: one source, never a silent choice. A
 * host's own options (the Babel plugin's, `opts.smartasync`, the bundler plugin's `smartasync`)
 * are layered on top, key by key. Each layer is validated on its own by the strict schema
 * (core/options.ts), so an SA104 names the file, line and column the bad key came from.
 */
import { readFileSync, type Stats, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { escapeControls } from "../core/escape.js";
import { packageStampOf } from "../core/managed.js";
import { type Options, OptionsError, validateOptions } from "../core/options.js";
import type { HostResolve } from "../core/resolve.js";

export const CONFIG_FILE = "smartasync.config.json";

/** The project's options layer for one folder. */
export interface ProjectOptions {
  /** The file the options came from (`…/smartasync.config.json` or `…/package.json`), if any. */
  file: string | undefined;
  /** How to name that source in a message: `the "smartasync" field of /p/package.json`. */
  where: string;
  /** The keys the file sets (a relative `root` resolved from the file's folder); validated. */
  given: Partial<Options>;
}

const NONE: ProjectOptions = { file: undefined, where: "", given: {} };

/**
 * The project options that apply to files in `dir`: the nearest `smartasync.config.json` or
 * package.json above it (see the header). Throws SA104 (`OptionsError`), located, for a file
 * that cannot be read, a bad key, the old string form of the package.json field, or options
 * in both files of one folder.
 */
export function loadProjectOptions(dir: string): ProjectOptions {
  const start = resolve(dir);
  const remembered = burst?.get(start);
  if (remembered) return remembered;
  // A folder of an installed package keeps its answer while the package is unchanged
  // (core/managed.ts): a bundler compiling dependencies walks each of their folders once.
  const pkg = packageStampOf(start);
  const kept = pkg === undefined ? undefined : installed.get(start);
  if (kept && kept.stamp === pkg) return kept.value;
  const walked: string[] = [];
  const value = walk(start, walked);
  if (!burst) {
    burst = new Map();
    queueMicrotask(endBurst);
  }
  // Every folder the walk passed has the same answer.
  for (const d of walked) burst.set(d, value);
  if (pkg !== undefined) installed.set(start, { stamp: pkg, value });
  return value;
}

/** `loadProjectOptions`' answers for folders of installed packages, with their package's stamp. */
const installed = new Map<string, { stamp: string; value: ProjectOptions }>();

/**
 * The walk's answers by folder, for one synchronous run of JavaScript (a burst: a loop of
 * `transformSync` calls, a `require` tree loaded through register's hook, Babel's
 * `transformSync` over many files): the folders' `stat`s are taken once a burst instead of once
 * a file (for a small file they cost about as much as the nesting pass). The answers are
 * forgotten when the run ends — a microtask, which runs before any timer, I/O or file-watcher
 * callback — so an edit made between two compiles that are not in the same synchronous run
 * (a watch session, an `await` between two files) is always seen; within one run, a file
 * written after the first compile of its folder is seen from the next run on.
 */
let burst: Map<string, ProjectOptions> | undefined;

function endBurst(): void {
  burst = undefined;
}

/** The walk itself (see `loadProjectOptions`); the folders it looked in go into `walked`. */
function walk(start: string, walked: string[]): ProjectOptions {
  for (let d = start; ; d = dirname(d)) {
    walked.push(d);
    const config = join(d, CONFIG_FILE);
    const pkg = join(d, "package.json");
    const configStat = statSync(config, { throwIfNoEntry: false });
    const pkgStat = statSync(pkg, { throwIfNoEntry: false });
    const hasConfig = configStat?.isFile() === true;
    const hasPkg = pkgStat?.isFile() === true;
    // The stats just taken stamp the folder's cached answer (no second stat of either file:
    // this walk runs for every compiled file, and its stats are most of what a small file costs).
    if (hasConfig || hasPkg)
      return cached(d, stamp(configStat, pkgStat), () =>
        readFolder(d, hasConfig ? config : undefined, hasPkg ? pkg : undefined),
      );
    if (dirname(d) === d) return NONE;
  }
}

/**
 * The files whose presence and text decide the project options of the files in `dir`: both
 * candidates of each folder the walk of `loadProjectOptions` looks in, to the first folder that
 * holds either — one created closer, or the one found edited or deleted, changes the options.
 * For the hosts that keep a module's output between builds (the bundler plugins' caches,
 * unplugin/cached-modules.ts; attack26 F02).
 */
export function optionsFiles(dir: string): string[] {
  const files: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    const config = join(d, CONFIG_FILE);
    const pkg = join(d, "package.json");
    files.push(config, pkg);
    const found =
      statSync(config, { throwIfNoEntry: false })?.isFile() ||
      statSync(pkg, { throwIfNoEntry: false })?.isFile();
    if (found || dirname(d) === d) return files;
  }
}

/**
 * smartasync's options for one file: the project's (`loadProjectOptions` of its folder; none
 * without a filename), then the host's own on top, key by key (a key the host gives replaces
 * that key's whole value; `undefined` values count as not given). `host` names the host's
 * layer in messages (`opts.smartasync`, `the Babel plugin's options`).
 */
export function resolveFileOptions(filename: string | undefined, given: unknown, host: string): Options {
  // The CLI's `--conditions` (setRunConditions), as the `resolve` option under the host's own.
  const hostOptions =
    runResolve &&
    filename !== undefined &&
    (given === undefined || (typeof given === "object" && given !== null))
      ? withHostResolve(given as object | undefined, runResolve, filename)
      : given;
  const project = filename === undefined ? NONE : loadProjectOptions(dirname(filename));
  if (project.file === undefined) return checked(hostOptions, host);
  if (hostOptions === undefined || hostOptions === null) return checked(project.given, project.where);
  checked(hostOptions, host);
  // Both are plain objects now (validated); merge what each actually gives, then check the
  // combination (e.g. equal suffixes can only appear together).
  return checked(
    { ...project.given, ...(givenKeys(hostOptions) as object) },
    `${host} over ${project.where}`,
  );
}

/** The keys an options object actually sets (`{ strict: undefined }` sets nothing). */
function givenKeys(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
}

function checked(raw: unknown, where: string): Options {
  try {
    return validateOptions(givenKeys(raw));
  } catch (e) {
    if (e instanceof OptionsError) throw new OptionsError(`${where}: ${e.message.replace(/^SA104: /, "")}`);
    throw e;
  }
}

// ——— reading the files ———

/** What a folder's two files were when read (modification time and size of each, or absent). */
function stamp(...stats: (Stats | undefined)[]): string {
  return stats.map((s) => (s ? `${s.mtimeMs}:${s.size}` : "-")).join("|");
}

const folders = new Map<string, { stamp: string; value: ProjectOptions }>();

/**
 * A folder's answer, read again only when one of its two files changes (a build compiles many
 * files under the same folder; a watch session or Jest's watch mode sees edits).
 */
function cached(dir: string, stamp: string, read: () => ProjectOptions): ProjectOptions {
  const hit = folders.get(dir);
  if (hit && hit.stamp === stamp) return hit.value;
  const value = read();
  folders.set(dir, { stamp, value });
  return value;
}

function readFolder(dir: string, config: string | undefined, pkg: string | undefined): ProjectOptions {
  const fromPkg = pkg === undefined ? undefined : packageField(pkg);
  const fromConfig = config === undefined ? undefined : configFile(config);
  if (fromConfig && fromPkg && Object.keys(fromPkg.given).length > 0) {
    throw new OptionsError(
      `${fromPkg.where} and ${config} both set smartasync options; keep them in one place (move the field's options into ${CONFIG_FILE}, or delete ${CONFIG_FILE})`,
    );
  }
  const chosen = fromConfig ?? fromPkg;
  if (!chosen) return NONE;
  return { ...chosen, given: withRoot(chosen.given, dir) };
}

/**
 * A relative `root` in a file means "from this file's folder", as for any path in package.json;
 * so does a relative alias target of `resolve.alias` (`"@": "./src"`, fixture modules/resolve-alias).
 */
function withRoot(given: Partial<Options>, dir: string): Partial<Options> {
  let out = typeof given.root === "string" ? { ...given, root: resolve(dir, given.root) } : given;
  if (given.resolve !== undefined) {
    // Validated already (validatedLayer): its normal form, an array of `{ find, replacement }`.
    const normal = validateOptions({ resolve: given.resolve }).resolve;
    const fromHere = (p: string): string => (/^\.\.?(?:[\\/]|$)/.test(p) ? resolve(dir, p) : p);
    const alias = normal.alias.map((a) =>
      typeof a.replacement === "string"
        ? { ...a, replacement: fromHere(a.replacement) }
        : Array.isArray(a.replacement)
          ? { ...a, replacement: a.replacement.map(fromHere) }
          : a,
    );
    // A relative folder of `resolve.modules` (`"./src"`) too; a name (`"src"`) is looked for in
    // every folder up from the importing file.
    const modules = normal.modules?.map(fromHere);
    const resolver = normal.resolver === undefined ? undefined : fromHere(normal.resolver);
    out = {
      ...out,
      resolve: { ...normal, alias, ...(modules ? { modules } : {}), ...(resolver ? { resolver } : {}) },
    };
  }
  return out;
}

function parseJson(path: string): { text: string; value: unknown } {
  let text: string;
  try {
    text = readFileSync(path, "utf8").replace(/^\uFEFF/, "");
  } catch (e) {
    throw new OptionsError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return { text, value: JSON.parse(text) };
  } catch (e) {
    throw new OptionsError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

/** `smartasync.config.json`: an options object, nothing else. */
function configFile(path: string): ProjectOptions {
  const { text, value } = parseJson(path);
  const where = path;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new OptionsError(`${path}:1:1: must hold an options object like { "syncSuffix": "Blocking" }`);
  }
  if ("manifest" in value) {
    throw new OptionsError(
      `${at(path, text, "manifest")}: \`manifest\` belongs in package.json, where importers look for it: "smartasync": { "manifest": ${JSON.stringify((value as { manifest: unknown }).manifest)} }`,
    );
  }
  return { file: path, where, given: validatedLayer(value, path, text, where) };
}

/** The `"smartasync"` field of a package.json: options, plus `manifest`. */
function packageField(path: string): ProjectOptions | undefined {
  const { text, value } = parseJson(path);
  if (typeof value !== "object" || value === null || !("smartasync" in value)) return undefined;
  const field = (value as { smartasync: unknown }).smartasync;
  const where = `the "smartasync" field of ${path}`;
  if (typeof field === "string") {
    throw new OptionsError(
      `${at(path, text, "smartasync")}: the "smartasync" field is a string (the old form, which could not also hold options); a manifest now has its own key: "smartasync": { "manifest": ${JSON.stringify(field)} }`,
    );
  }
  if (typeof field !== "object" || field === null || Array.isArray(field)) {
    throw new OptionsError(
      `${at(path, text, "smartasync")}: the "smartasync" field must be an object of options (and \`manifest\`), like { "syncSuffix": "Blocking", "manifest": "./dist/smartasync.manifest.json" }`,
    );
  }
  const { manifest, ...options } = field as Record<string, unknown>;
  if (manifest !== undefined && (typeof manifest !== "string" || manifest === "")) {
    throw new OptionsError(
      `${at(path, text, "manifest", "smartasync")}: \`manifest\` must be the path of the package's manifest, like "./dist/smartasync.manifest.json"`,
    );
  }
  return { file: path, where, given: validatedLayer(options, path, text, where, "smartasync") };
}

/**
 * One file's options, validated on their own; a bad key is named with its line and column in
 * the file (`where` then says which file and field).
 */
function validatedLayer(
  raw: object,
  path: string,
  text: string,
  where: string,
  field?: string,
): Partial<Options> {
  const given = givenKeys(raw) as Record<string, unknown>;
  try {
    validateOptions(given);
  } catch (e) {
    if (!(e instanceof OptionsError)) throw e;
    const message = e.message.replace(/^SA104: /, "");
    // The message quotes the key escaped (OptionsError), maybe with a nested part after it
    // (`twins["m"]`): the key is the given one whose escaped form the quote is or starts with.
    const quoted = /`([^`]+)`/.exec(message)?.[1] ?? "";
    const key = Object.keys(given).find((k) => {
      const shown = escapeControls(k);
      return quoted === shown || (quoted.startsWith(shown) && /^[.[]/.test(quoted.slice(shown.length)));
    });
    const loc = key !== undefined ? at(path, text, key, field).slice(path.length) : "";
    throw new OptionsError(`${where}${loc}: ${message}`);
  }
  return given as Partial<Options>;
}

/**
 * `path:line:column` (1-based) of `key` in the file's JSON text: a key of the top-level object,
 * or with `field`, a key of that top-level key's object (a dependency named "smartasync" is not
 * the field). The path alone when not found.
 */
function at(path: string, text: string, key: string, field?: string): string {
  const top = keyOffset(text, field ?? key, 0);
  const offset = field === undefined || top < 0 ? top : keyOffset(text, key, top);
  if (offset < 0) return path;
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return `${path}:${line}:${offset - before.lastIndexOf("\n")}`;
}

/** The value of the JSON string from `start` (its `"`) to `end` (the closing `"`), escapes read. */
function jsonString(text: string, start: number, end: number): string | undefined {
  const inner = text.slice(start + 1, end);
  if (!inner.includes("\\")) return inner;
  try {
    return JSON.parse(`"${inner}"`) as string;
  } catch {
    return undefined;
  }
}

/**
 * Offset of the first string `key` used as a key of the first object that starts at or after
 * `from` (its own keys only, not those of objects inside it); -1 if none.
 */
function keyOffset(text: string, key: string, from: number): number {
  let level = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "{" || c === "[") level++;
    else if (c === "}" || c === "]") {
      if (--level <= 0) return -1;
    } else if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      if (level === 1 && jsonString(text, start, i) === key && /^\s*:/.test(text.slice(i + 1, i + 40)))
        return start;
    }
  }
  return -1;
}

/**
 * The host's `smartasync` options for `filename` with what the host itself resolves beyond Node
 * (its aliases and conditions, read from its own configuration: the bundler plugins,
 * smartasync/jest, smartasync/register, the CLI's `--conditions`) added as the `resolve` option,
 * after those of the file's project options, unless the host's options set `resolve` themselves
 * (docs/modules.md, "Aliases and conditions").
 */
export function withHostResolve<T extends object>(
  given: T | undefined,
  host: HostResolve | undefined,
  filename: string,
): T | undefined {
  if (
    !host ||
    (host.alias.length === 0 &&
      host.conditions.length === 0 &&
      host.mainFields === undefined &&
      host.extensions === undefined &&
      !host.browserField &&
      !host.modules?.length &&
      !host.resolver &&
      !host.tsconfigPaths &&
      !host.paths)
  )
    return given;
  if ((given as { resolve?: unknown } | undefined)?.resolve !== undefined) return given;
  let project: HostResolve | undefined;
  try {
    project = loadProjectOptions(dirname(filename)).given.resolve;
  } catch {
    // A bad options file is the compile's SA104: said there.
    return given;
  }
  const modules = [...new Set([...(project?.modules ?? []), ...(host.modules ?? [])])];
  const resolve: HostResolve = {
    alias: [...(project?.alias ?? []), ...host.alias],
    conditions: [...new Set([...(project?.conditions ?? []), ...host.conditions])],
    ...(modules.length ? { modules } : {}),
  };
  // The project's own, where its options file gives them; else the tool's (attack28 F06/F11/F12).
  const mainFields = project?.mainFields ?? host.mainFields;
  if (mainFields) resolve.mainFields = mainFields;
  const extensions = project?.extensions ?? host.extensions;
  if (extensions) resolve.extensions = extensions;
  if (project?.browserField ?? host.browserField) resolve.browserField = true;
  const resolver = host.resolver ?? project?.resolver;
  if (resolver !== undefined) resolve.resolver = resolver;
  if (project?.tsconfigPaths || host.tsconfigPaths) resolve.tsconfigPaths = true;
  // The table the tool applies is the one its output follows (attack35 F02).
  const paths = host.paths ?? project?.paths;
  if (paths) resolve.paths = paths;
  // The tool's own rule for which importers (attack36 F09), unless the project says they all are.
  if (host.pathsFor && !project?.tsconfigPaths) resolve.pathsFor = host.pathsFor;
  // The register hook's own (attack36 F04): the file is loaded by Node under a link's name.
  if (host.linked) resolve.linked = host.linked;
  return { ...given, resolve } as T;
}

/** The conditions of `smartasync build/inspect/check --conditions` (setRunConditions). */
let runResolve: HostResolve | undefined;

/**
 * The conditions the program runs with, given on the command line (`--conditions a,b`): every
 * file's options get them in `resolve.conditions` (docs/cli.md). Set per file compiled, in the
 * thread that compiles it (a `--jobs` worker too); `[]` clears them.
 */
export function setRunConditions(conditions: readonly string[] | undefined): void {
  runResolve = conditions?.length ? { alias: [], conditions: [...conditions] } : undefined;
}
