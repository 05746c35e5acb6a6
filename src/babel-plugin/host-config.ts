/**
 * How Babel compiles another file of the build (attack31 F01/F02): the importer reads an imported
 * module with the options the host really gives it, or as not compiled at all. Babel resolves a
 * plugin's options per file (`overrides`, `env`, a `.babelrc.json` in the module's folder) and may
 * skip a file (`ignore`/`only`, an override turning the plugin off with `["smartasync/babel",
 * false]`): Babel's own `loadPartialConfigSync` is asked, as the host asks it.
 */
import { statSync } from "node:fs";
import { isAbsolute, relative } from "node:path";

/** The mark on the plugin function, for a config item loaded from another copy of smartasync. */
export const PLUGIN_MARK = Symbol.for("smartasync.babelPlugin");

const OUR_PLUGIN = /smartasync[\\/](dist|src)[\\/]babel-plugin[\\/]index\.[jt]s$/;

export interface ItemLike {
  value?: unknown;
  options?: unknown;
  name?: string;
  file?: { request?: string; resolved?: string };
}

/** Is this Babel config item smartasync's plugin? */
export function isSmartasyncItem(item: ItemLike): boolean {
  return (
    (typeof item.value === "function" && (item.value as { [PLUGIN_MARK]?: unknown })[PLUGIN_MARK] === true) ||
    item.file?.request === "smartasync/babel" ||
    (item.file?.resolved !== undefined && OUR_PLUGIN.test(item.file.resolved))
  );
}

/**
 * What `smartasync build` tells the plugin through Babel's `caller` (strings: Babel takes only
 * plain values there): the project directory it loads each file's config from, and the folder it
 * compiles (a file outside it is not compiled: attack31 F14).
 */
export interface BuildCaller {
  smartasyncConfigCwd?: string;
  smartasyncCompiles?: string;
}

/**
 * Where a file's config is looked for, as the importer's resolved options say (Babel resolves
 * `configFile`/`babelrc` away: a file's options say `false` once its config is merged in, so the
 * project's config is looked for the default way).
 */
export interface Locating {
  cwd: string;
  root: string;
  envName?: string;
  /** `smartasync build`: it loads each file's config itself, and says so (`BuildCaller`). */
  cli?: BuildCaller;
  /**
   * The compile service (the bundler plugins' Babel engine) passes every option itself, no
   * config file: the plugin runs on every file it is given, with the same options.
   */
  noConfig?: boolean;
}

/** The file's `loadPartialConfigSync` (the part read here), or null for an ignored file. */
interface Partial {
  options: { plugins?: ItemLike[] };
  config?: string;
  babelrc?: string;
  babelignore?: string;
}

type LoadPartial = (opts: Record<string, unknown>) => Partial | null;

/** A file's config, kept while the config files it came from are unchanged. */
const partials = new Map<string, { value: Partial | null; stamps: string }>();

/**
 * A config file's stamp, read once per synchronous run of JavaScript (forgotten at the next
 * microtask, as the options walk's answers are): a build asks for every imported file on each
 * compile, and they share a few config files (a 300-module build: 90,000 questions, 300 loads).
 */
let stamps: Map<string, string> | undefined;

function stampOf(files: (string | undefined)[]): string {
  if (!stamps) {
    stamps = new Map();
    queueMicrotask(() => {
      stamps = undefined;
    });
  }
  const seen = stamps;
  return files
    .map((f) => {
      if (f === undefined) return "";
      let stamp = seen.get(f);
      if (stamp === undefined) {
        try {
          const st = statSync(f);
          stamp = `${f}:${st.mtimeMs}:${st.size}`;
        } catch {
          stamp = `${f}:gone`;
        }
        seen.set(f, stamp);
      }
      return stamp;
    })
    .join("\0");
}

/**
 * A `Locating`'s text, made once: the Babel plugin makes one per compiled file (index.ts
 * `Program`) and asks for every module the file imports with it.
 */
const locatingKeys = new WeakMap<Locating, string>();

function partialFor(load: LoadPartial, at: Locating, file: string): Partial | null {
  let where = locatingKeys.get(at);
  if (where === undefined) {
    where = JSON.stringify(at);
    locatingKeys.set(at, where);
  }
  const key = `${where}\0${file}`;
  const hit = partials.get(key);
  if (hit) {
    const v = hit.value;
    if (stampOf(v ? [v.config, v.babelrc, v.babelignore] : []) === hit.stamps) return v;
  }
  const cli = at.cli?.smartasyncConfigCwd;
  // As `smartasync build` loads it (cli/transform-file.ts), else as the host's options locate it.
  const value = cli
    ? load({ filename: file, cwd: cli, root: cli })
    : load({ filename: file, cwd: at.cwd, root: at.root, envName: at.envName });
  // An ignored file has no config files to stamp: asked again on the next compile.
  if (value) partials.set(key, { value, stamps: stampOf([value.config, value.babelrc, value.babelignore]) });
  return value;
}

/** The options the host gives `file` (the plugin's raw options), or why it does not compile it. */
export type HostReading = { options: unknown } | { notCompiled: string };

/**
 * How the host compiles `file`, read by the plugin running with `raw` on the importer `self`.
 * A plugin given in the host's own options (not from a config file) runs on every file the host
 * compiles, with the same options; one from a config file runs with that file's entry.
 */
export function babelReading(
  load: LoadPartial | undefined,
  at: Locating,
  self: string | undefined,
  raw: unknown,
  file: string,
): HostReading {
  const compiles = at.cli?.smartasyncCompiles;
  if (compiles !== undefined && !inside(compiles, file))
    return { notCompiled: "outside the folder `smartasync build` compiles" };
  // Without a config to read (a host that passes everything itself) the plugin runs on every file.
  if (!load || at.noConfig) return { options: raw };
  const partial = partialFor(load, at, file);
  if (partial === null) return { notCompiled: "ignored by the Babel config" };
  const mine = (partial.options.plugins ?? []).find(isSmartasyncItem);
  if (at.cli) {
    // The CLI runs the config's entry, or adds the plugin with no options where it has none.
    if (mine?.options === false) return { notCompiled: "the Babel config turns smartasync/babel off for it" };
    return { options: mine?.options };
  }
  if (!fromConfigFile(load, at, self, raw)) return { options: raw };
  if (!mine) return { notCompiled: "the Babel config does not apply smartasync/babel to it" };
  if (mine.options === false) return { notCompiled: "the Babel config turns smartasync/babel off for it" };
  return { options: mine.options };
}

/**
 * Whether the plugin running on `self` is the entry of `self`'s config file (with these options),
 * not one the host passed itself. Answered once per compiled file: `at` is made per compiled file
 * and Babel loaded that file's config once, at the start of its compile; the question is asked
 * for every module the file imports.
 */
const selfReadings = new WeakMap<Locating, { self: string | undefined; fromConfig: boolean }>();

function fromConfigFile(load: LoadPartial, at: Locating, self: string | undefined, raw: unknown): boolean {
  const kept = selfReadings.get(at);
  if (kept !== undefined && kept.self === self) return kept.fromConfig;
  const own = self === undefined ? undefined : partialFor(load, at, self);
  const entry = own?.options.plugins?.find(isSmartasyncItem);
  const fromConfig = entry !== undefined && entry.options !== false && sameOptions(entry.options, raw);
  selfReadings.set(at, { self, fromConfig });
  return fromConfig;
}

function sameOptions(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

function inside(dir: string, file: string): boolean {
  const r = relative(dir, file);
  return r !== "" && r.split(/[\\/]/)[0] !== ".." && !isAbsolute(r);
}
