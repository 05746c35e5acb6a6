/**
 * esbuild: worker modules in output files of their own.
 *
 * esbuild fixes its entry points before it loads any module, so a plugin cannot add one when it
 * finds a module with worker or offloaded functions. Instead, for such a module the plugin runs a
 * second esbuild build with the same options and that module as its only entry point, written
 * beside the main output file (`greetings-1a2b3c4d.mjs`): the **worker file**. The main output's
 * copy of the module registers its functions under the worker file's URL and calls them there; the
 * worker imports the worker file, whose own copy registers them under its own URL (the same one),
 * and runs that module and its imports, never the program's entry.
 *
 * Done where the main output's directory is known before the build: `bundle` with `outfile`, or
 * with `outdir` when every output file lands in it (one entry point without `splitting`, or
 * several entry points and `splitting` with entries of one directory and entry and chunk names
 * without a directory: see `flat`). Elsewhere the module stays in the entry's output file (SA310
 * when the entry is unguarded).
 */
import { createHash } from "node:crypto";
import { basename, dirname, extname, relative, resolve, sep } from "node:path";
import remapping from "@jridgewell/remapping";
import type { BuildOptions, BuildResult, OutputFile, Plugin } from "esbuild";
import MagicString from "magic-string";
import type { SourceMapJson } from "../compile/index.js";

/** The plugin option (not a public one: a symbol key) that makes an instance build one worker file. */
export const WORKER_FILE: unique symbol = Symbol.for("smartasync.esbuild.workerFile");

export interface WorkerFileBuild {
  /** The module this build's output file is the worker file of: its module URL stays its own. */
  self: string;
  session: WorkerFiles;
}

/** The worker files of one build of the user's (and of the builds it starts), by source module. */
export class WorkerFiles {
  readonly names = new Map<string, string>();
  readonly builds = new Map<string, Promise<BuildResult>>();

  constructor(
    /** Absolute directory of the main output file: the worker files go beside it. */
    readonly dir: string,
    readonly ext: string,
    readonly esm: boolean,
    readonly root: string,
  ) {}

  /** `greetings-1a2b3c4d.mjs`: the module's name and a hash of its path, stable across builds. */
  nameOf(file: string): string {
    let name = this.names.get(file);
    if (name === undefined) {
      const hash = createHash("sha256")
        .update(relative(this.root, file).split(sep).join("/"))
        .digest("hex")
        .slice(0, 8);
      name = `${basename(file, extname(file))}-${hash}${this.ext}`;
      this.names.set(file, name);
    }
    return name;
  }

  /** The worker file's URL, evaluated in an output file of the same directory. */
  urlOf(name: string): string {
    return this.esm
      ? `new URL(${JSON.stringify(`./${name}`)}, import.meta.url).href`
      : `require("node:path").join(__dirname, ${JSON.stringify(name)})`;
  }

  /** Starts the build of a module's worker file, once per build. */
  start(file: string, run: () => Promise<BuildResult>): void {
    if (!this.builds.has(file)) this.builds.set(file, run());
  }
}

/**
 * Where the worker files of this build go, or why there are none (for SA310). Undefined when
 * nothing is bundled: each module is then its own output file.
 */
export function layout(o: BuildOptions, root: string, esm: boolean): WorkerFiles | string | undefined {
  if (!o.bundle) return undefined;
  const ext = (file: string) => extname(file) || ".js";
  if (o.outfile) return new WorkerFiles(dirname(resolve(root, o.outfile)), ext(o.outfile), esm, root);
  const entries = o.entryPoints;
  const count = Array.isArray(entries) ? entries.length : entries ? Object.keys(entries).length : 0;
  const out = Array.isArray(entries) ? entries[0] : entries ? Object.keys(entries)[0] : undefined;
  const nested =
    (typeof out === "object" && out !== null && /[\\/]/.test(out.out)) ||
    (!Array.isArray(entries) && typeof out === "string" && /[\\/]/.test(out)) ||
    /[\\/]/.test(o.entryNames ?? "");
  if (o.outdir && !nested && !o.stdin && (count === 1 ? !o.splitting : flat(o, entries, root)))
    return new WorkerFiles(resolve(root, o.outdir), o.outExtension?.[".js"] ?? ".js", esm, root);
  return " (esbuild: smartasync gives worker modules output files of their own only for a bundle with outfile, or with outdir when every output file lands in it: entry points of one directory, entry and chunk names without a directory)";
}

/**
 * Whether every output file of a build with several entry points (or `splitting`) lands in
 * `outdir` itself, where the worker files go: a module's code may be in any of them (an entry's
 * file or a shared chunk), and its worker file's URL is written relative to the file it is in.
 * The default entry names are `[dir]/[name]`, `[dir]` being the entry's directory under `outbase`
 * (by default the entries' nearest common directory): flat when all entries share one directory.
 */
function flat(o: BuildOptions, entries: BuildOptions["entryPoints"], root: string): boolean {
  if (/[\\/]/.test(o.chunkNames ?? "")) return false;
  // Entry names without `[dir]` (and without a directory, see `nested`) put every entry in outdir.
  if (o.entryNames !== undefined && !o.entryNames.includes("[dir]")) return true;
  const ins: string[] = Array.isArray(entries)
    ? entries.map((e) => (typeof e === "string" ? e : e.in))
    : entries
      ? Object.values(entries)
      : [];
  if (ins.length === 0 || ins.some((e) => /[*?]/.test(e))) return false;
  const dirs = new Set(ins.map((e) => dirname(resolve(root, e))));
  if (dirs.size !== 1) return false;
  return o.outbase === undefined || resolve(root, o.outbase) === [...dirs][0];
}

/** Each `name(import.meta.url` / `name(__filename` call in `code`: [start, end) of the URL. */
function urlArguments(code: string, name: string): [number, number][] {
  const out: [number, number][] = [];
  for (let at = code.indexOf(`${name}(`); at >= 0; at = code.indexOf(`${name}(`, at + 1)) {
    if (at > 0 && /[\w$.]/.test(code[at - 1]!)) continue;
    let i = at + name.length + 1;
    while (i < code.length && /\s/.test(code[i]!)) i++;
    for (const url of ["import.meta.url", "__filename"])
      if (code.startsWith(url, i) && !/[\w$]/.test(code[i + url.length] ?? "")) out.push([i, i + url.length]);
  }
  return out;
}

/**
 * The module's compiled code pointed at its worker file (`files`), with the engine's map carried
 * through.
 * `callees` are the core's names of the calls whose first argument is the module's URL (compile
 * result `urlCallees`): the runtime's `runSync`/`offload`/`register` the engine wrote, and the
 * program's own `register(import.meta.url, { ValidationError })` (docs: errors of a user class
 * keep their class across threads), which must name the same URL as the generated one, or the
 * worker finds the class under another module and the error arrives as a plain Error (attack18
 * F13). Another object's `register(import.meta.url)` is not the runtime's, and is left alone.
 */
export function pointAt(
  code: string,
  map: SourceMapJson | undefined,
  callees: readonly string[],
  files: WorkerFiles,
  filename: string,
): { code: string; map: SourceMapJson | undefined } {
  const url = files.urlOf(files.nameOf(filename));
  const s = new MagicString(code);
  for (const name of callees) for (const [from, to] of urlArguments(code, name)) s.overwrite(from, to, url);
  if (!map) return { code: s.toString(), map };
  const edit = s.generateMap({ hires: true, source: filename, includeContent: false });
  const composed = remapping([edit as never, map as never], () => null);
  return { code: s.toString(), map: composed as unknown as SourceMapJson };
}

/** The options of a worker file's build: the user's, with that module as the one entry point. */
export function workerFileOptions(
  o: BuildOptions,
  file: string,
  files: WorkerFiles,
  plugin: (options: { [WORKER_FILE]: WorkerFileBuild }) => Plugin,
): BuildOptions {
  const { entryPoints: _e, stdin: _s, outdir: _d, outfile: _f, splitting: _p, metafile: _m, ...rest } = o;
  return {
    ...rest,
    entryPoints: [file],
    outfile: resolve(files.dir, files.nameOf(file)),
    bundle: true,
    logLevel: "silent",
    plugins: (o.plugins ?? []).map((p) =>
      p.name === "smartasync" ? plugin({ [WORKER_FILE]: { self: file, session: files } }) : p,
    ),
  };
}

/** What the main build gets from its worker files' builds: their errors, and their files when not written. */
export async function finish(files: WorkerFiles): Promise<{ errors: string[]; outputs: OutputFile[] }> {
  const errors: string[] = [];
  const outputs: OutputFile[] = [];
  // A worker file's build starts those of the worker modules its module imports: wait for them too.
  let count = -1;
  while (count !== files.builds.size) {
    count = files.builds.size;
    await Promise.allSettled(files.builds.values());
  }
  for (const [file, build] of files.builds) {
    const r = await build.then(
      (value) => ({ status: "fulfilled" as const, value }),
      (reason: unknown) => ({ status: "rejected" as const, reason }),
    );
    if (r.status === "fulfilled") outputs.push(...(r.value.outputFiles ?? []));
    else {
      const first = (r.reason as { errors?: { text: string }[] })?.errors?.[0]?.text ?? String(r.reason);
      errors.push(
        `smartasync: the worker file of ${relative(files.root, file)} could not be built: ${first}`,
      );
    }
  }
  return { errors, outputs };
}
