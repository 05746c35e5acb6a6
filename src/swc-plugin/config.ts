/**
 * The configuration that applies to one file under `smartasync/swc`.
 *
 * SWC's part is *read* here, never applied: the user's options go to `@swc/core` unchanged and
 * SWC finds and applies its `.swcrc` itself. smartasync reads the same configuration only to
 * parse the file as SWC will (`jsc.parser`, `isModule`), to know whether the output is CommonJS
 * and whether source maps are wanted. The rules below are those of `@swc/core` 1.16
 * (crates/swc/src/config: `read_config`, `find_swcrc`, `Rc::into_config`, `Config::adjust`), each
 * checked against the real binary by test/swc/api.test.ts; docs/swc.md states them for users.
 *
 * smartasync's own options come from `opts.smartasync` over the project's options file
 * (compile/options.ts; `.swcrc` rejects unknown keys, so they cannot live there).
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from "node:path";
import type { ModuleConfig, ParserConfig, Options as SwcOptions } from "@swc/core";
import { OptionsError } from "../core/options.js";
import type { HostPaths } from "../core/resolve.js";
import { RustRegexError, rustRegExp } from "./rust-regex.js";

/** SWC's `isModule`: `"commonjs"` parses a CommonJS script (top-level `return` allowed). */
export type IsModule = boolean | "unknown" | "commonjs";

export interface SwcFileConfig {
  /** Absolute path of the file (relative names resolved as SWC does), when there is one. */
  filename: string | undefined;
  /** The `.swcrc` (or `configFile`) SWC reads for this file, if any. */
  configFile: string | undefined;
  /** The effective `jsc.parser`, after SWC's per-extension adjustment. */
  parser: ParserConfig;
  isModule: IsModule;
  /** The output runs as CommonJS, where `import.meta` does not exist. */
  cjsOutput: boolean;
  /** SWC will produce a source map (`sourceMaps: true` or `"inline"`). */
  sourceMaps: boolean;
  /** The map goes into the code as a data URL (`sourceMaps: "inline"`) rather than `output.map`. */
  inlineMap: boolean;
  /** SWC puts the sources into the map (`inlineSourcesContent`, default true). */
  inlineSourcesContent: boolean;
  /**
   * SWC rewrites imports by `jsc.paths` (options or `.swcrc`): the output loads what that table
   * names, from `jsc.baseUrl`, so the analysis follows it, not tsconfig.json's (attack33 F06,
   * attack35 F02; `resolve.tsconfigPaths`, `resolve.paths`). Undefined: no `jsc.paths`.
   */
  jscPaths: HostPaths | undefined;
}

/** The parts of a `.swcrc` entry this module reads; SWC validates the rest itself. */
interface RcEntry {
  test?: unknown;
  exclude?: unknown;
  jsc?: { parser?: Partial<ParserConfig>; paths?: unknown; baseUrl?: unknown };
  module?: ModuleConfig;
  isModule?: IsModule;
  sourceMaps?: boolean | string;
  inlineSourcesContent?: boolean;
}

// ——— the file's name ———

/**
 * SWC resolves a relative `filename` against `root` (default: the working directory) before it
 * looks for a `.swcrc`; smartasync uses the same absolute path for everything it reads.
 */
export function absoluteFilename(opts: SwcOptions): string | undefined {
  if (!opts.filename) return undefined;
  return resolve(opts.root ?? process.cwd(), opts.filename);
}

// ——— SWC's configuration ———

/** SWC refuses the file by a `test`/`exclude` rule: not compiled at all. */
class Excluded extends Error {
  constructor(
    message: string,
    /** What excludes it, for an importer's message. */
    readonly by: string,
  ) {
    super(message);
  }
}

/**
 * Why SWC, given these options for the importer, does not compile `file` (another file of the
 * build, named as the importer is: absolute or from `root`), or undefined: a `test`/`exclude`
 * rule of the options or of its `.swcrc` (attack31 F02). A configuration SWC cannot read is the
 * file's own compile's to report.
 */
export function excludedBy(opts: SwcOptions, file: string): string | undefined {
  const given = opts.filename;
  const root = resolve(opts.root ?? process.cwd());
  const filename =
    given !== undefined && !isAbsolute(given) ? relative(root, file).split(sep).join("/") : file;
  try {
    readSwcConfig({ ...opts, filename });
    return undefined;
  } catch (e) {
    return e instanceof Excluded ? `excluded by ${e.by}` : undefined;
  }
}

/**
 * What SWC will apply to this file. Throws when SWC itself would refuse the configuration (a
 * `.swcrc` it cannot read, a file its `test`/`exclude` ignore, `rootMode: "upward"` finding
 * nothing): the caller then lets SWC report it in its own words. `filename` is
 * `absoluteFilename(opts)`, for a caller that has it already (it is resolved once a file).
 */
export function readSwcConfig(
  opts: SwcOptions,
  filename: string | undefined = absoluteFilename(opts),
): SwcFileConfig {
  const name = opts.filename || undefined;
  // Top-level `test`/`exclude` in the programmatic options filter the file first.
  if (name !== undefined && !entryMatches(opts as RcEntry, name, undefined)) {
    throw new Excluded(
      `${name} is excluded by the \`test\`/\`exclude\` options`,
      "the `test`/`exclude` options",
    );
  }
  const configFile = locateConfigFile(opts, filename);
  const entry = selectEntry(configFile === undefined ? undefined : loadRc(configFile), name, configFile);

  // Programmatic options win over the `.swcrc`, each key as a whole: a `jsc.parser` given in
  // the options replaces the `.swcrc`'s parser entirely (flags are not merged).
  const own = opts.jsc?.parser;
  let parser: ParserConfig;
  if (own) {
    // @swc/core's JavaScript wrapper defaults a programmatic parser's syntax to ecmascript.
    parser = { ...own, syntax: own.syntax ?? "ecmascript" } as ParserConfig;
  } else if (entry.jsc?.parser) {
    parser = { ...entry.jsc.parser } as ParserConfig;
  } else {
    parser = { syntax: "ecmascript" };
  }
  if (name !== undefined) parser = adjustForExtension(parser, name);

  const isModule: IsModule = (opts.isModule as IsModule | undefined) ?? entry.isModule ?? true;
  const module = opts.module ?? entry.module;
  const sourceMaps = opts.sourceMaps ?? entry.sourceMaps;
  return {
    filename,
    configFile,
    parser,
    isModule,
    cjsOutput: outputIsCommonJs(module, isModule, name),
    // SWC takes any string here (not only "inline") as "on".
    sourceMaps: sourceMaps === true || typeof sourceMaps === "string",
    inlineMap: sourceMaps === "inline",
    inlineSourcesContent: opts.inlineSourcesContent ?? entry.inlineSourcesContent ?? true,
    jscPaths: jscPaths(opts, entry, configFile),
  };
}

/**
 * The `jsc.paths` table SWC applies, with its base: the options' table else the `.swcrc`'s (a
 * whole), the options' `jsc.baseUrl` else the `.swcrc`'s, which SWC reads from the `.swcrc`'s
 * folder (measured with @swc/core 1.16; a relative or missing one in the options, SWC refuses).
 */
function jscPaths(opts: SwcOptions, entry: RcEntry, configFile: string | undefined): HostPaths | undefined {
  const paths: unknown = opts.jsc?.paths ?? entry.jsc?.paths;
  if (typeof paths !== "object" || paths === null || Object.keys(paths).length === 0) return undefined;
  const table: Record<string, string[]> = {};
  for (const [pattern, targets] of Object.entries(paths))
    if (Array.isArray(targets)) table[pattern] = targets.filter((t): t is string => typeof t === "string");
  const own = opts.jsc?.baseUrl;
  const rc = entry.jsc?.baseUrl;
  const baseUrl =
    typeof own === "string" && own !== ""
      ? resolve(own)
      : typeof rc === "string" && rc !== "" && configFile !== undefined
        ? resolve(dirname(configFile), rc)
        : // SWC refuses the file without a base: the folder smartasync reads it from is moot.
          resolve(opts.root ?? process.cwd());
  return { baseUrl, table };
}

/**
 * `configFile: "<path>"` is read whatever `swcrc` says (a relative path from the working
 * directory). Otherwise, when `swcrc` is not false and there is a filename, the nearest
 * `.swcrc` above the file's *real* path (symlinks resolved; a file that does not exist on disk
 * gets none); the walk stops after `root` (default: the working directory) when `rootMode` is
 * "root" (the default), and goes to the filesystem root otherwise or when the file is not under
 * `root`. `configFile: true/false` and `swcrcRoots` change nothing.
 */
function locateConfigFile(opts: SwcOptions, filename: string | undefined): string | undefined {
  if (typeof opts.configFile === "string") return resolve(opts.configFile);
  if (opts.swcrc === false || filename === undefined) return undefined;
  const real = realPath(filename);
  const mode = opts.rootMode ?? "root";
  const root = opts.root ?? process.cwd();
  if (real !== undefined) {
    const start = dirname(real);
    const key = `${mode}\0${root}\0${start}`;
    let found = rcBurst?.get(key);
    if (found === undefined) {
      found = nearestRc(start, mode, root);
      if (!rcBurst) {
        rcBurst = new Map();
        queueMicrotask(endRcBurst);
      }
      rcBurst.set(key, found);
    }
    if (found !== null) return found;
  }
  if (mode === "upward") throw new Error(`no .swcrc found above ${filename} (rootMode "upward")`);
  return undefined;
}

/** The nearest `.swcrc` from `start` upward (see `locateConfigFile`), or null. */
function nearestRc(start: string, mode: string, root: string): string | null {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, ".swcrc");
    if (existsSync(candidate)) return candidate;
    if (mode === "root" && samePath(dir, root)) return null;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * The `.swcrc` searches' answers for one synchronous run of JavaScript, by folder, `rootMode` and
 * `root`: the same rule as the project options' (compile/options.ts): forgotten at the next
 * microtask, so a `.swcrc` added or removed between two runs is seen at once.
 */
let rcBurst: Map<string, string | null> | undefined;

function endRcBurst(): void {
  rcBurst = undefined;
}

/** SWC canonicalizes the path first; when that fails (no such file) it looks for no `.swcrc`. */
function realPath(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

/** Rust's `Path ==` compares components: trailing slashes and `.` do not count; a relative root matches nothing. */
function samePath(dir: string, root: string): boolean {
  if (!isAbsolute(root)) return false;
  const strip = (p: string) => (p.length > 1 && p.endsWith(sep) ? p.slice(0, -1) : p);
  return strip(normalize(dir)) === strip(normalize(root));
}

/** A `.swcrc` is JSON with comments and trailing commas, optionally led by a BOM; one entry or an array. */
function loadRc(path: string): RcEntry | RcEntry[] {
  const value = readParsed(path, (text) => JSON.parse(stripJsonComments(text.replace(/^\uFEFF+/, ""))));
  if (typeof value !== "object" || value === null) throw new Error(`${path} is not a configuration object`);
  // SWC rejects the whole file when any entry's parser lacks `syntax` (no default there).
  for (const entry of Array.isArray(value) ? value : [value]) {
    if ((entry as RcEntry)?.jsc?.parser && (entry as RcEntry).jsc?.parser?.syntax === undefined) {
      throw new Error(`${path}: \`jsc.parser\` needs \`syntax\``);
    }
  }
  return value as RcEntry | RcEntry[];
}

/** Removes comments and trailing commas outside strings, so JSON.parse reads JSONC. */
function stripJsonComments(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      out += text.slice(start, i + 1);
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 1;
      out += " ";
    } else {
      out += c;
    }
  }
  return out.replace(/,(\s*[}\]])/g, "$1");
}

/**
 * Which `.swcrc` entry applies: with a filename, the first entry whose `test`/`exclude` accept
 * it (none → SWC refuses the file); without a `.swcrc`, SWC's built-in entries by extension.
 * Without a filename an object `.swcrc` applies as it is and an array one not at all.
 */
function selectEntry(
  rc: RcEntry | RcEntry[] | undefined,
  name: string | undefined,
  configFile: string | undefined,
): RcEntry {
  if (name === undefined) return rc !== undefined && !Array.isArray(rc) ? rc : {};
  const entries = rc === undefined ? DEFAULT_RC : Array.isArray(rc) ? rc : [rc];
  const entry = entries.find((e) => entryMatches(e, name, configFile));
  if (!entry) throw new Excluded(`no .swcrc entry applies to ${name}`, "its `.swcrc` (`test`/`exclude`)");
  return entry;
}

/**
 * SWC's defaults when no `.swcrc` is read (`Rc::default`). The `.mts`/`.cts` entry is never
 * reached (the first entry takes every name not ending in `.ts`/`.tsx`), so those files parse
 * as plain ECMAScript unless configured — SWC's behaviour, kept.
 */
const DEFAULT_RC: RcEntry[] = [
  { exclude: "\\.tsx?$", jsc: { parser: { syntax: "ecmascript" } } },
  { test: "\\.tsx$", jsc: { parser: { syntax: "typescript", tsx: true } } },
  { test: "\\.(cts|mts)$", jsc: { parser: { syntax: "typescript", tsx: false } } },
  { test: "\\.ts$", jsc: { parser: { syntax: "typescript", tsx: false } } },
];

/**
 * `exclude` first, then `test`; both match the filename as given (not resolved). `configFile`:
 * the `.swcrc` the entry comes from (undefined: the programmatic options), where a pattern
 * smartasync cannot read as SWC does is reported.
 */
function entryMatches(entry: RcEntry, name: string, configFile: string | undefined): boolean {
  const subject = sep === "\\" ? name.replaceAll("\\", "/") : name;
  const matches = (key: "test" | "exclude"): boolean => {
    try {
      return matcherMatches(entry[key], subject);
    } catch (e) {
      if (e instanceof UnreadablePattern) throw patternError(e, key, configFile);
      throw e;
    }
  };
  if (entry.exclude !== undefined && matches("exclude")) return false;
  if (entry.test !== undefined) return matches("test");
  return true;
}

/** A regex string, `null` (matches nothing) or a (nested) list of them. */
function matcherMatches(matcher: unknown, subject: string): boolean {
  if (matcher === null) return false;
  if (Array.isArray(matcher)) return matcher.some((m) => matcherMatches(m, subject));
  if (typeof matcher === "string") return rustRegex(matcher).test(subject);
  throw new Error(`unexpected \`test\`/\`exclude\` value ${JSON.stringify(matcher)}`);
}

class UnreadablePattern extends Error {
  constructor(
    readonly pattern: string,
    readonly why: string,
  ) {
    super(why);
  }
}

/**
 * SA104 for a pattern with no sure JavaScript reading, located at the pattern in the `.swcrc`
 * (its first spelling as JSON writes it; the file alone when written otherwise).
 */
function patternError(e: UnreadablePattern, key: string, configFile: string | undefined): OptionsError {
  const quoted = JSON.stringify(e.pattern);
  let where = "the options";
  if (configFile !== undefined) {
    where = configFile;
    try {
      const text = readFileSync(configFile, "utf8");
      const at = text.indexOf(quoted);
      if (at >= 0) {
        const before = text.slice(0, at).split("\n");
        where += `:${before.length}:${before.at(-1)!.length + 1}`;
      }
    } catch {
      // gone meanwhile: the file's name says enough
    }
  }
  return new OptionsError(
    `${where}: the \`${key}\` pattern ${quoted} cannot be read as SWC reads it (a Rust regex): ${e.why}; write it with syntax both read alike`,
  );
}

const regexCache = new Map<string, RegExp | UnreadablePattern>();

/**
 * SWC's patterns are Rust regexes, read here with Rust's grammar and written as a JavaScript
 * regex of the same meaning (rust-regex.ts: `[[:alpha:]]`, `[a-z--x]`, `\z`, Unicode `\d`…);
 * a pattern without a sure translation throws `UnreadablePattern` (attack31 F09).
 */
function rustRegex(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) {
    try {
      re = rustRegExp(source);
    } catch (e) {
      if (!(e instanceof RustRegexError)) throw e;
      re = new UnreadablePattern(source, e.message);
    }
    regexCache.set(source, re);
  }
  if (re instanceof UnreadablePattern) throw re;
  return re;
}

/** `Config::adjust`: for TypeScript, the extension decides `tsx` (`.tsx` on, `.ts` off). */
function adjustForExtension(parser: ParserConfig, name: string): ParserConfig {
  if (parser.syntax !== "typescript") return parser;
  if (name.endsWith(".tsx")) return { ...parser, tsx: true };
  if (name.endsWith(".ts")) return { ...parser, tsx: false };
  return parser;
}

/**
 * Whether `import.meta.url` is unusable in the output. SWC's `commonjs` transform rewrites it
 * itself, `umd` leaves it (a syntax error in a script), `amd` and `systemjs` rewrite it to their
 * own module URL. A `.cjs`/`.cts` file runs as CommonJS whatever SWC emits (SWC 1.16 does not
 * change module type by extension, not even under `nodenext`), and `isModule: "commonjs"` is a
 * CommonJS script.
 */
function outputIsCommonJs(
  module: ModuleConfig | undefined,
  isModule: IsModule,
  name: string | undefined,
): boolean {
  const type = module?.type;
  if (type === "commonjs" || type === "umd") return true;
  if (type === "amd" || type === "systemjs") return false;
  return isModule === "commonjs" || (name !== undefined && /\.c[jt]s$/.test(name));
}

const parsed = new Map<string, { mtimeMs: number; size: number; value: unknown }>();

/**
 * A configuration file's parsed content, parsed again only when the file changes (a build
 * compiles many files under the same few config files; a watch session sees edits).
 */
function readParsed(path: string, parse: (text: string) => unknown): unknown {
  const { mtimeMs, size } = statSync(path);
  const hit = parsed.get(path);
  if (hit && hit.mtimeMs === mtimeMs && hit.size === size) return hit.value;
  const value = parse(readFileSync(path, "utf8"));
  parsed.set(path, { mtimeMs, size, value });
  return value;
}
