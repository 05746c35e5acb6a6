/**
 * smartasync for build tools, through `unplugin`: one plugin for Vite (and so Vitest), Rollup,
 * webpack and esbuild. Each tool's entry (`smartasync/vite`, …) is this plugin in that tool's
 * shape; docs/integrations.md has a configuration per tool and what is supported.
 *
 * Per file: the id filter (`include`/`exclude`), then the chosen engine through the compile
 * service (src/compile: options, limits, fast path), which applies smartasync's edits and
 * nothing else; the tool compiles the result like any other file.
 * The report goes to `onReport` and `reportFile`; warnings to the tool's warning channel with
 * their location; errors (SAxxx) fail the build with their code frame.
 *
 * The runtime (`smartasync/runtime`) is kept out of bundles (external): it is Node-only, starts
 * workers from its own files and keeps per-thread state, so it is imported from the installed
 * package at run time. Browser builds (Vite's client environment) get the browser runtime
 * instead, bundled, and a build error where generated code would need a worker (browser.ts).
 * Functions that run in workers (`runSync`, `offload`) are reached through the module URL of
 * the output file that holds them, so each module that holds such functions gets an output file
 * of its own: Rollup and Vite an added entry (its URL written in the form the output format
 * has), webpack an added entry at the top of output.path, esbuild a second build
 * (esbuild-workers.ts); bundles.ts checks the rest.
 */
import { existsSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { PluginBuild } from "esbuild";
import MagicString from "magic-string";
import type { EmittedChunk } from "rollup";
import { createUnplugin, type UnpluginContext, type UnpluginInstance } from "unplugin";
import {
  DEFAULT_FILE_TIMEOUT_MS,
  Gate,
  OverBudget,
  seconds,
  TIMEOUT_CODE,
  withinBudget,
} from "../compile/budget.js";
import { enableFactsStore } from "../compile/facts-store.js";
import {
  type CompileRequest,
  type CompileResult,
  compileFile,
  resolveFileOptions,
} from "../compile/index.js";
import { loadProjectOptions, withHostResolve } from "../compile/options.js";
import { parserFor } from "../compile/parser.js";
import type { TaskOutcome, TaskResult } from "../compile/task.js";
import { escapeControls, escapeNamed, hasTerminalControls } from "../core/escape.js";
import type { Report } from "../core/report.js";
import type { HostResolve } from "../core/resolve.js";
import { WORKER_IMPORT_ENV } from "../runtime/internal.cjs";
import { browserError, browserProblems, browserRuntimeFile, WORKER_ONLY } from "./browser.js";
import {
  type BundleProblem,
  type ChunkInfo,
  checkChunks,
  chunkDoesNotRun,
  formatWithoutUrl,
  isGuarded,
  singleFileFormat,
  type WorkerModule,
  webpackFilename,
  webpackModuleOutput,
  webpackSubdirectory,
  workerFunctions,
} from "./bundles.js";
import { dependencies, dependencyStamp, transformCachedAgain, watchedFiles } from "./cached-modules.js";
import { Dependents, invalidateFully } from "./dev-server.js";
import {
  finish,
  layout,
  pointAt,
  WORKER_FILE,
  type WorkerFileBuild,
  WorkerFiles,
  workerFileOptions,
} from "./esbuild-workers.js";
import { esbuildResolve, viteResolve, webpackResolve } from "./host-resolve.js";
import {
  DEFAULT_EXCLUDE,
  DEFAULT_INCLUDE,
  type PluginOptions,
  type ResolvedPluginOptions,
  resolvePluginOptions,
} from "./options.js";

export type { Report } from "../core/report.js";
export type {
  BabelEngineOptions,
  FilterPattern,
  PluginOptions,
  SwcEngineOptions,
  SwcParserOptions,
} from "./options.js";

/** How messages name the plugin's own layer of smartasync's options. */
const HOST = "the plugin's `smartasync`";

type Framework = "rollup" | "vite" | "webpack" | "esbuild" | "other";

/** What one plugin instance knows across the files of a build (and the builds of a watch session). */
class BuildState {
  /** Directory of the report's paths and of the paths in messages: smartasync's `root`, else the tool's. */
  root = process.cwd();
  /** The tool's own root: Vite's `root`, webpack's `context`, esbuild's `absWorkingDir`, else the working directory. */
  toolRoot = process.cwd();
  /**
   * Vitest: calls of imported smartasync functions go through the callee's marker (the
   * `mockable` option, unless the project or the plugin says otherwise), so that `vi.mock` and
   * `vi.spyOn` of their module are honoured, as under smartasync/jest (attack26 F08).
   */
  vitest = false;
  /** Vite's dev server: invalidate the modules that watch `file`, and their importers. */
  invalidateImporters: ((file: string) => void) | undefined;
  /** Vite's dev server: have the modules of these files transformed again when next requested. */
  invalidateFully: ((files: Iterable<string>) => void) | undefined;
  /**
   * Dev server or Vitest: the modules whose output read the facts of each file, invalidated fully
   * when it changes (dev-server.ts: Vite would only soft-invalidate a file's static importers).
   */
  readonly dependents = new Dependents();
  /**
   * Dev server or Vitest: the options files that do not exist yet, by path, and the modules whose
   * options they would decide. Vite takes a watched file for an import of the module, and one
   * that does not exist fails the page ("Failed to resolve import"): such files are kept here
   * instead, and their creation invalidates those modules (`watchChange`).
   */
  readonly missingSettings = new Map<string, Set<string>>();
  /** Dev server or Vitest: modules are served from their source files, not from an output file. */
  serve = false;
  /**
   * The tool's aliases and conditions (host-resolve.ts), given to each file's compile as the
   * `resolve` option (attack26 F11: an import through `@/lib.js` followed, not SA204).
   */
  hostResolve: HostResolve | undefined;
  /**
   * The tool names a linked file by its link, not its real path (esbuild's `preserveSymlinks`):
   * the default `exclude` is then decided on the real path (NodeModulesExclude).
   */
  linksKept = false;
  /**
   * Vite: the build is for the browser (no `build.ssr`), as far as the configuration says; each
   * hook asks its environment first (`consumer`), since one dev server serves both.
   */
  client = false;
  /**
   * Vite's library mode (`build.lib`): built in the client environment, but a library says
   * nothing about where it runs, so it is built as before (for Node, the runtime external).
   */
  library = false;
  /** The module URL is `__filename` (webpack; esbuild's `cjs` and `iife` formats). */
  cjsOutput = false;
  /**
   * Dev server and Vitest: smartasync's workers import a module's source file with plain Node, so
   * they load `smartasync/register` first, which compiles it as it loads (docs/register.md).
   */
  workerHooks = false;
  /**
   * Rollup and Vite: each module with worker functions becomes an output file of its own (an
   * entry the plugin adds), unless `workerChunks: false` or an output format that is one file.
   */
  workerChunks: boolean;
  /** Why worker modules do not get output files of their own (for SA310), when they do not. */
  noChunks = "";
  /** The modules given output files of their own in this build. */
  readonly emitted = new Set<string>();
  /** esbuild: the build, and where its worker files go (esbuild-workers.ts), or why there are none. */
  esbuild: PluginBuild | undefined;
  workerFiles: WorkerFiles | undefined;
  noWorkerFiles = "";
  /** esbuild: this instance builds the worker file of one module, for the user's build. */
  nested: WorkerFileBuild | undefined;
  readonly reports = new Map<string, Report>();
  readonly workers = new Map<string, WorkerModule>();
  /**
   * The files whose imports were read in this build (register/deps.ts `Freshness`): a new set a
   * build, a file the tool reports changed taken out (Vite's dev server has one build for the
   * session: each edit reaches `watchChange`).
   */
  fresh = new Set<string>();

  constructor(
    readonly options: ResolvedPluginOptions,
    readonly framework: Framework,
  ) {
    this.workerChunks = options.workerChunks;
    if (!this.workerChunks) this.noChunks = " (the plugin's workerChunks is false)";
  }

  /**
   * The output options the tool will use, when known before the build (Rollup's config file,
   * Vite's configuration): a format that is one file (UMD, IIFE, inlined dynamic imports)
   * cannot have the worker modules' output files.
   */
  outputs(list: readonly OutputShape[]): void {
    if (!this.options.workerChunks) return;
    for (const o of list) {
      const single =
        o.format === "umd" || o.format === "iife"
          ? `the build has a ${o.format} output, which is one file`
          : o.inlineDynamicImports === true || o.codeSplitting === false
            ? "the build has an output that is one file (inlined dynamic imports)"
            : undefined;
      if (single) {
        this.workerChunks = false;
        this.noChunks = ` (${single}, so worker modules cannot have output files of their own)`;
        return;
      }
    }
    this.workerChunks = true;
    this.noChunks = "";
  }

  /** The worker modules among these source modules. */
  workersIn(modules: Iterable<string>): WorkerModule[] {
    const found: WorkerModule[] = [];
    for (const m of modules) {
      const w = this.workers.get(m.replace(QUERY, ""));
      if (w) found.push(w);
    }
    return found;
  }

  /** The tool's root directory (Vite's `root`, webpack's `context`, …), unless smartasync's `root` is set. */
  setRoot(toolRoot: string): void {
    const own = this.options.smartasync.root;
    this.toolRoot = toolRoot;
    this.root = own ? resolve(own) : toolRoot;
  }

  /** How messages may quote a module's file: its path, and relative to either root. */
  namesOf(filename: string): string[] {
    const rel = (from: string) => relative(from, filename).split(sep).join("/");
    return [filename, rel(this.root), rel(this.toolRoot)];
  }

  /** `reportFile`: every report so far, ordered by file, as one JSON array. */
  writeReports(): void {
    const file = this.options.reportFile;
    if (!file) return;
    const path = isAbsolute(file) ? file : resolve(this.toolRoot, file);
    const list = [...this.reports.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(list, null, 2)}\n`);
  }
}

// `[\s\S]`, not `.`: every start succeeds at once (`.*$` retried from each `?`/`#` before a line break).
const QUERY = /[?#][\s\S]*$/;

/** smartasync's own code (its `src/` or `dist/`): never the project's, however it is linked. */
const OWN_CODE = fileURLToPath(new URL("../", import.meta.url));

/**
 * The default `exclude`, `node_modules`, decided on the file's real path where the tool names a
 * linked file by its link (`BuildState.linksKept`): a workspace package linked from outside
 * `node_modules` is the project's source, which the analysis of its importers reads for its
 * variants, so it is compiled (attack34 F09: with esbuild's `preserveSymlinks`, importers were
 * rewritten to `loadSync` while the package's file was left alone, and esbuild failed with "No
 * matching export"). A RegExp, as the tools' filters take, whose `test` their filters call.
 */
class NodeModulesExclude extends RegExp {
  constructor(private readonly state: BuildState) {
    super(DEFAULT_EXCLUDE.source);
  }

  override test(id: string): boolean {
    if (!super.test(id)) return false;
    if (!this.state.linksKept) return true;
    let real: string;
    try {
      real = realpathSync(id.replace(QUERY, ""));
    } catch {
      return true;
    }
    return DEFAULT_EXCLUDE.test(real) || real.startsWith(OWN_CODE);
  }
}
/**
 * The plugin's `smartasync` options for a file under Vitest: `mockable` on unless the plugin or
 * the file's project options file sets it (as smartasync/jest does; attack26 F08).
 */
function underVitest(given: PluginOptions["smartasync"], filename: string): PluginOptions["smartasync"] {
  const mockable = given?.mockable ?? loadProjectOptions(dirname(filename)).given.mockable ?? true;
  return { ...given, mockable };
}

/** The files that decide a module's options and module kind (cached-modules.ts, `settingsFiles`). */
const SETTINGS_FILE = /(^|[\\/])(smartasync\.config|package)\.json$/;

/** The output options the plugin reads (Rollup's, Rolldown's). */
interface OutputShape {
  format?: string;
  inlineDynamicImports?: boolean;
  /** Rolldown's: `false` is one file. */
  codeSplitting?: unknown;
}

/**
 * Rollup and Vite builds: the module URL in the calls and registrations the engines generate
 * (`runSync(import.meta.url, …)`, `offload(…)`, `register(…)`) becomes this placeholder, of the
 * same length so that the engine's source map stays true, until the output format is known
 * (renderChunk): `import.meta.url` in ES modules, `__filename` in CommonJS, UMD and IIFE, where
 * Rolldown (Vite) would otherwise turn `import.meta` into `{}`. A global name that no bundler
 * renames. Fixture-like case: test/integrations/bundlers.test.ts, "Vite library formats".
 */
const URL_PLACEHOLDER = "__smartasyncUrl";
const GENERATED_URL = /(\.(?:runSync|offload|register)\(\s*)import\.meta\.url\b/g;

/** The module URL in an output format, or undefined where Node gives a file none. */
function moduleUrlIn(format: string): string | undefined {
  if (format === "es" || format === "esm" || format === "module") return "import.meta.url";
  if (format === "cjs" || format === "commonjs" || format === "umd" || format === "iife") return "__filename";
  return undefined;
}

/**
 * Whether a Vite hook works for the browser: its environment's consumer (Vite 6 and later), else
 * what the configuration said. A library (`build.lib`) may run anywhere: it is built for Node, as
 * before. Rollup, webpack and esbuild do not say; they build for Node here.
 */
function forBrowser(ctx: unknown, state: BuildState): boolean {
  if (state.framework !== "vite" || state.library) return false;
  const consumer = (ctx as { environment?: { config?: { consumer?: unknown } } } | undefined)?.environment
    ?.config?.consumer;
  return consumer === undefined ? state.client : consumer === "client";
}

function isEmpty(r: Report): boolean {
  return r.functions.length === 0 && r.calls.length === 0 && r.diagnostics.length === 0;
}

/**
 * SWC's parse errors say nothing about smartasync: add which parser was used and how to change
 * it. smartasync's own diagnostics and the Babel engine's errors pass unchanged.
 */
function syntaxOrOwn(e: unknown, filename: string, options: ResolvedPluginOptions): unknown {
  const code = codeOf(e);
  if (
    options.engine !== "swc" ||
    (code !== undefined && /^SA\d{3}$/.test(code)) ||
    code === "SMARTASYNC_MISSING_PEER"
  )
    return e;
  const parser = options.swc.parser ?? parserFor(filename);
  // SWC's message ends with "Caused by: Syntax Error" and a native stack trace: keep the frame.
  const full = (e as Error)?.message ?? String(e);
  const cause = full.indexOf("\nCaused by:");
  const message = (cause >= 0 ? full.slice(0, cause) : full).trimEnd();
  const err = new Error(
    `smartasync: SWC could not parse ${filename} with ${JSON.stringify(parser)}. Set the plugin's \`swc.parser\` ` +
      'to the syntax this file uses (e.g. { syntax: "ecmascript", jsx: true } for JSX in .js files), or exclude the file.\n' +
      message,
    { cause: e },
  );
  return Object.assign(err, { code: "SMARTASYNC_PARSE" });
}

/** `path:line:column` (1-based) of a diagnostic → its parts. */
function splitLoc(loc: string): { line: number; column: number } | undefined {
  const m = /:(\d+):(\d+)$/.exec(loc);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
}

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * A failed file: smartasync's diagnostics (SAxxx) and SWC's parse errors are the user's to fix,
 * shown with their code frame and without our stack; anything else keeps its stack.
 */
function fail(ctx: UnpluginContext, state: BuildState, e: unknown, filename: string, code: string) {
  const { framework } = state;
  const c = codeOf(e);
  const own = c !== undefined && (/^SA\d{3}$/.test(c) || c === "SMARTASYNC_PARSE" || c === TIMEOUT_CODE);
  // What the tool prints: the file's name, quoted specifiers, its lines in a frame, never a raw
  // control character (core/escape.ts); colour codes only where the compiler drew them on a
  // file with none of its own (SECURITY.md, "What the build-tool plugins print").
  const text = escapeNamed((e as Error)?.message ?? String(e), state.namesOf(filename), {
    colours: !hasTerminalControls(code),
  });
  const shownName = escapeControls(filename);
  if (framework === "rollup" || framework === "vite") {
    // Rollup and Vite name the file themselves, then print the frame apart from the message.
    const body = text.startsWith(`${shownName}: `) ? text.slice(shownName.length + 2) : text;
    const [first, ...frame] = body.split("\n");
    const pos = /:(\d+):(\d+)\)$/.exec(first);
    // Rollup's log objects also take `frame`, which unplugin's type does not name.
    (ctx.error as (log: object) => never)({
      message: first,
      id: filename,
      ...(c ? { code: c } : {}),
      ...(pos ? { loc: { file: filename, line: Number(pos[1]), column: Number(pos[2]) - 1 } } : {}),
      ...(frame.length ? { frame: frame.join("\n") } : {}),
      stack: own ? "" : escapeControls(String((e as Error)?.stack ?? ""), { newlines: true }),
    });
  }
  if (framework === "esbuild") {
    // Returned with the file's own text, so esbuild lists it as one of the build's errors.
    ctx.error({ message: text });
    return { code };
  }
  // webpack prints a loader error's stack (or its `details`) whenever the error has one.
  const err = Object.assign(new Error(text, { cause: e }), { code: c });
  if (own) err.stack = "";
  throw err;
}

function warn(
  ctx: UnpluginContext,
  state: BuildState,
  id: string,
  code: string,
  message: string,
  loc?: string,
) {
  const pos = loc ? splitLoc(loc) : undefined;
  // One line each, every control character escaped (a name or specifier from the sources).
  const where = escapeControls(
    `${relative(state.root, id).split(sep).join("/")}${pos ? `:${pos.line}:${pos.column}` : ""}`,
  );
  message = escapeControls(message);
  code = escapeControls(code);
  if (state.framework === "rollup" || state.framework === "vite") {
    // Rollup prints the file and position (0-based column) itself; Vite prints the message only.
    ctx.warn({
      message: `${state.framework === "vite" ? `${where}: ` : ""}${code}: ${message}`,
      code,
      id,
      ...(pos ? { loc: { file: id, line: pos.line, column: pos.column - 1 } } : {}),
    });
    return;
  }
  // esbuild would show an empty source line for a location without its text, and webpack shows
  // the module but no position: the position goes into the text.
  ctx.warn(`${state.framework === "esbuild" ? "" : "smartasync: "}${where}: ${code}: ${message}`);
}

/** What the transform hook reads of a compile, in this thread or from the budget's worker. */
type Compiled = Pick<TaskResult, "report" | "code" | "map" | "urlCallees" | "resolve">;

/** A compile of this thread as the transform hook reads it (its map left unread until asked). */
function compiledHere(out: CompileResult): Compiled {
  return Object.assign(out, { resolve: out.options.resolve });
}

/**
 * The per-file budget (`fileTimeout`; SECURITY.md, "How long one file may take"): each file is
 * compiled by the compile service in a worker of smartasync's own pool (compile/task.ts), one
 * file at a time (compile/budget.ts); a file past its budget has its worker terminated and fails
 * with a located `timeout-error`. A worker that fails for another reason (a crash) does not
 * fail the file: it is compiled in this thread instead, as the CLI does.
 */
class FileBudget {
  // One gate for every plugin instance of the process (Vite's environments, a watch session's
  // rebuilds): one compile in flight, in one warm worker.
  private static readonly gate = new Gate(1);

  /**
   * A worker warmed for the next budgeted file (compile/task.ts `warmTask`): a budget starts when
   * a worker takes its file, and a fresh worker's start-up is no file's compile. Cleared when a
   * file's worker is terminated, so the one that replaces it is warmed too.
   */
  private static warm: Promise<unknown> | undefined;

  private constructor(private readonly ms: number) {}

  /**
   * The budget for these options, or undefined where the request cannot cross to a worker: a
   * Babel plugin or preset given as a function (`babel.plugins: [myPlugin]`) has no copy in
   * another thread, so such a build compiles in the tool's thread, without a budget (documented
   * in docs/integrations.md).
   */
  static for(options: ResolvedPluginOptions): FileBudget | undefined {
    try {
      structuredClone([options.smartasync, options.babel, options.swc]);
    } catch {
      return undefined;
    }
    return new FileBudget(options.fileTimeout);
  }

  async compile(req: CompileRequest): Promise<Compiled> {
    const { TASK_URL, thrownAgain } = await import("../compile/task.js");
    let outcome: TaskOutcome;
    try {
      outcome = await FileBudget.gate.run(async () => {
        FileBudget.warm ??= withinBudget(TASK_URL, "warmTask", [req.engine], DEFAULT_FILE_TIMEOUT_MS).catch(
          () => undefined,
        );
        await FileBudget.warm;
        return withinBudget<TaskOutcome>(TASK_URL, "compileTask", [req], this.ms);
      });
    } catch (e) {
      if (e instanceof OverBudget) {
        FileBudget.warm = undefined;
        throw overBudget(req.filename ?? "<input>", this.ms);
      }
      // The worker itself failed (it crashed, or could not start): compile the file here.
      return compiledHere(await compileFile(req));
    }
    if (!outcome.ok) throw thrownAgain(outcome.error);
    return outcome.value;
  }
}

/** The located error of a file past its budget: the file's name, the budget, the way out. */
function overBudget(filename: string, ms: number): Error {
  const err = new Error(
    `${escapeControls(filename)}: took longer than ${seconds(ms)} to compile (the per-file budget): stopped, ` +
      "its worker terminated. Split the file, exclude it, or raise the plugin's `fileTimeout` (milliseconds; 0: no budget).",
  );
  return Object.assign(err, { code: TIMEOUT_CODE });
}

export const unplugin: UnpluginInstance<PluginOptions | undefined, false> = createUnplugin<
  PluginOptions | undefined,
  false
>((rawOptions, meta) => {
  const options = resolvePluginOptions(rawOptions);
  // What the plugin decides once per build (the runtime kept external, the report's root) comes
  // from the project's options file, found from the working directory, under the plugin's
  // `smartasync`, as each file's options do (compileFile). A bad file is reported per file.
  try {
    options.smartasync = resolveFileOptions(join(process.cwd(), "_"), rawOptions?.smartasync, HOST);
  } catch {
    // the plugin's own options (already validated) stand; every file reports the file's SA104
  }
  const framework: Framework =
    meta.framework === "rollup" ||
    meta.framework === "vite" ||
    meta.framework === "webpack" ||
    meta.framework === "esbuild"
      ? meta.framework
      : "other";
  const state = new BuildState(options, framework);
  const budget = options.fileTimeout > 0 ? FileBudget.for(options) : undefined;
  state.nested = (rawOptions as { [WORKER_FILE]?: WorkerFileBuild } | undefined)?.[WORKER_FILE];
  state.setRoot(process.cwd());
  if (framework === "webpack") state.cjsOutput = true;
  const runtime = options.smartasync.runtime;
  const bareRuntime = !/^[./]/.test(runtime) && !isAbsolute(runtime);
  const escaped = runtime.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // Browser builds: smartasync's own runtime gives way to its browser entry (browser.js); a
  // runtime of your own (the `runtime` option) is resolved and bundled as the tool does.
  const ownRuntime = runtime === "smartasync/runtime";
  const browserRuntime = ownRuntime ? browserRuntimeFile() : undefined;
  const runtimeDir = browserRuntime === undefined ? undefined : dirname(browserRuntime) + sep;

  return {
    name: "smartasync",
    enforce: "pre",

    // The runtime is kept external in builds (see the header); the dev server and Vitest resolve
    // it as usual. webpack gets an ExternalsPlugin instead (below): unplugin's webpack resolver
    // would turn an external id into a virtual module.
    ...(framework === "webpack"
      ? {}
      : {
          resolveId: {
            filter: { id: new RegExp(`^${escaped}$`) },
            handler(id: string) {
              if (id !== runtime) return null;
              if (forBrowser(this, state)) return browserRuntime ?? null;
              if (!bareRuntime || state.serve) return null;
              return { id, external: true };
            },
          },
        }),

    transform: {
      filter: {
        id: {
          include: options.include,
          exclude: rawOptions?.exclude === undefined ? [new NodeModulesExclude(state)] : options.exclude,
        },
      },
      async handler(code, id) {
        if (id.startsWith("\0") || id.includes("\0")) return null;
        const filename = id.replace(QUERY, "");
        // The browser runtime is bundled in browser builds: its files are smartasync's, not the user's.
        if (runtimeDir !== undefined && filename.startsWith(runtimeDir)) return null;
        let out: Compiled;
        try {
          // The compile service (src/compile): the plugin's `smartasync` over the project's
          // options file, key by key, as every other host reads them; the same per-file limits.
          const req: CompileRequest = {
            code,
            filename,
            engine: options.engine,
            options: withHostResolve(
              state.vitest ? underVitest(rawOptions?.smartasync, filename) : rawOptions?.smartasync,
              state.hostResolve,
              filename,
            ),
            host: HOST,
            cjsOutput: state.cjsOutput,
            // Rollup, Vite and esbuild read every file as an ES module: a plain script of a
            // package without "type" gets an ES import of the runtime (as before the Node rule of
            // attack26 F01). webpack reads it by its code, as Node does (`javascript/auto`: no
            // import/export, CommonJS, sloppy): an ES import made it a strict ES module, so it
            // gets the `require` Node hosts give it (attack28 F13).
            bundler: framework === "webpack" ? "by-syntax" : true,
            root: state.toolRoot,
            ...(options.swc.parser ? { parser: options.swc.parser } : {}),
            babel: options.babel,
          };
          // Imported modules' facts kept on disk for the next build (compile/facts-store.ts).
          enableFactsStore();
          out = budget ? await budget.compile(req) : compiledHere(await compileFile(req));
        } catch (e) {
          return fail(this, state, syntaxOrOwn(e, filename, options), filename, code);
        }
        // A call's rewrite depends on what the modules it imports declare, and on what those
        // re-export or start from further modules: compile this file again when any module it
        // reaches changes (watch mode, dev server), not only one it imports itself.
        // Resolved under the `resolve` option the file was compiled with (the tool's aliases
        // among them), as the analysis resolved them (attack33 F02).
        const deps = dependencies(code, filename, state.fresh, out.resolve);
        for (const dep of deps.files) this.addWatchFile(dep);
        if (state.serve) state.dependents.record(filename, deps.files);
        // So does an edit of the options files of this module and of those it reaches (their
        // variant names, attack26 F02), of the package.json that gives each its `"type"`, and of
        // what their imports' resolution read: an imported package's package.json and manifest
        // (an install or a linked package's rebuild adding one, attack28 F01, F04, F07), the
        // tsconfig.json files of `paths` (F08). webpack keeps a module until a file it depends
        // on changes (across processes with its persistent cache), and the dev server and watch
        // modes rebuild on a watched file's change.
        for (const file of watchedFiles(filename, deps)) {
          if (state.serve && !existsSync(file)) {
            const modules = state.missingSettings.get(file) ?? new Set<string>();
            state.missingSettings.set(file, modules.add(filename));
          } else this.addWatchFile(file);
        }
        const { report } = out;
        const browser = forBrowser(this, state);
        // A worker file's build (esbuild) compiles modules the user's build compiles too: their
        // reports and warnings come from that one.
        if (!isEmpty(report) && !state.nested) {
          state.reports.set(filename, report);
          options.onReport?.(report);
          for (const d of report.diagnostics)
            if (d.severity === "warning" && !(browser && WORKER_ONLY.has(d.code)))
              warn(this, state, filename, d.code, d.message, d.loc);
        }
        if (browser) {
          const problems = browserProblems(report);
          if (problems.length)
            return fail(this, state, browserError(problems, filename, code), filename, code);
        }
        const { names, loc } = workerFunctions(report);
        let result = out.code;
        let map = out.map;
        if (names.length && browser) {
          // No worker imports anything in a browser: the module needs no output file of its own,
          // and no bundle check. Its registrations still name the module's URL.
          if (framework === "vite" && !state.serve && result !== undefined)
            result = result.replace(GENERATED_URL, `$1${URL_PLACEHOLDER}`);
        } else if (names.length) {
          state.workers.set(filename, { file: filename, names, loc });
          if ((framework === "rollup" || framework === "vite") && !state.serve && result !== undefined) {
            result = result.replace(GENERATED_URL, `$1${URL_PLACEHOLDER}`);
            if (state.workerChunks) {
              // The module's own output file: a worker that imports it runs this module and its
              // imports, not the program's entry. "allow-extension": the file keeps the module's
              // exports and may add others, so no facade file is needed; `false` would let
              // Rolldown drop the exports of an entry that is itself a worker module (a Vite
              // library: test "Vite: the same in an SSR build…").
              const chunk: EmittedChunk = { type: "chunk", id, preserveSignature: "allow-extension" };
              (this as unknown as { emitFile(f: EmittedChunk): string }).emitFile(chunk);
              state.emitted.add(filename);
            }
          }
          if (state.serve && !state.workerHooks)
            warn(
              this,
              state,
              filename,
              "SMARTASYNC_WORKER_IN_DEV",
              `${names.join(", ")} run${names.length === 1 ? "s" : ""} in smartasync's workers, which import ${relative(state.root, filename)} with plain Node; ` +
                "under Vite's dev server and Vitest, smartasync/register compiles it there, but it needs @swc/core, which is not installed, " +
                "so those calls fail. Install @swc/core, or run the built output (docs/integrations.md#worker-strategies).",
            );
        } else {
          state.workers.delete(filename);
          state.emitted.delete(filename);
        }
        if (framework === "webpack" && names.length && result !== undefined && state.workerFiles) {
          // webpack: one module, one code for every chunk that holds it, the worker file's entry
          // chunk included; both sit in output.path, so the same expression names the worker file.
          ({ code: result, map } = pointAt(result, map, out.urlCallees ?? [], state.workerFiles, filename));
        }
        if (
          framework === "esbuild" &&
          names.length &&
          result !== undefined &&
          state.workerFiles &&
          state.esbuild &&
          filename !== state.nested?.self
        ) {
          // The module's calls and registrations name its worker file; its build starts now.
          const files = state.workerFiles;
          const build = state.esbuild;
          ({ code: result, map } = pointAt(result, map, out.urlCallees ?? [], files, filename));
          files.start(filename, () =>
            build.esbuild.build(
              workerFileOptions(build.initialOptions, filename, files, (o) =>
                unplugin.esbuild({ ...rawOptions, ...o } as PluginOptions),
              ),
            ),
          );
        }
        // Rollup's cache keeps a module whose code is unchanged: what it read of other modules
        // is stamped for `shouldTransformCachedModule` (cached-modules.ts).
        const stamp = framework === "rollup" ? dependencyStamp(filename, deps) : undefined;
        const meta = stamp === undefined ? {} : { meta: { smartasync: { stamp, resolve: out.resolve } } };
        if (result === undefined) return framework === "rollup" ? { code, map: null, ...meta } : null;
        return { code: result, map: map as never, ...meta };
      },
    },

    buildStart() {
      state.fresh = new Set();
    },

    watchChange(id, change) {
      state.fresh.delete(id.replace(QUERY, ""));
      // Before Vite's own invalidation, which would only soft-invalidate a static importer of the
      // file: its kept output would call the file's functions as they were (attack28 F09).
      state.invalidateFully?.(state.dependents.of(id.replace(QUERY, "")));
      // Vite's dev server invalidates the importers of a watched file when it changes, not when
      // it is created or deleted: a module whose options file was deleted kept its old variant
      // names while an importer edited since called the new ones (attack26 F02).
      const file = id.replace(QUERY, "");
      // A missing file a module's output depends on is a settings file or one its imports'
      // resolution read (a tsconfig.json created closer: attack28 F08).
      if (change?.event !== "update" && (SETTINGS_FILE.test(id) || state.missingSettings.has(file))) {
        state.invalidateImporters?.(id);
        for (const module of state.missingSettings.get(file) ?? []) state.invalidateImporters?.(module);
        if (change?.event === "create") state.missingSettings.delete(file);
      }
    },

    buildEnd() {
      state.writeReports();
    },

    vite: {
      configureServer(server) {
        const graphs = () =>
          server.environments
            ? Object.values(server.environments).map((e) => e.moduleGraph)
            : [server.moduleGraph];
        state.invalidateImporters = (file) => {
          for (const graph of graphs()) graph.onFileChange(file);
        };
        state.invalidateFully = (files) => invalidateFully(graphs(), files);
      },
      configResolved(config) {
        state.setRoot(config.root);
        state.serve = config.command === "serve";
        // Vitest runs Vite in its own mode ("test"), in a process it marks (VITEST).
        state.vitest = config.mode === "test" && process.env.VITEST !== undefined;
        state.client = !config.build.ssr;
        state.library = Boolean(config.build.lib);
        state.hostResolve = viteResolve(config, state.client);
        // Read by a filter in JavaScript only (Vite with Rollup): Rolldown matches it itself.
        state.linksKept = config.resolve.preserveSymlinks === true;
        if (state.serve) state.workerHooks = useRegisterInWorkers();
        else state.outputs(viteOutputs(config.build));
      },
      renderChunk(code, chunk, output) {
        return renderModuleUrl(this, state, code, chunk, output.format);
      },
      generateBundle(_output, bundle) {
        rollupChunks(this, state, bundle);
      },
    },

    rollup: {
      shouldTransformCachedModule({ id, code, meta }) {
        return transformCachedAgain(id, code, meta, state.fresh);
      },
      options(input) {
        // Rollup's config file (the CLI) passes its output options here too; the JavaScript
        // API gives them only to generate/write, after the build (checked in renderStart).
        const output = (input as { output?: OutputShape | OutputShape[] }).output;
        if (output !== undefined) state.outputs(Array.isArray(output) ? output : [output]);
        return null;
      },
      renderStart(output) {
        if (state.emitted.size === 0) return;
        const single =
          output.format === "umd" || output.format === "iife"
            ? output.format
            : output.inlineDynamicImports
              ? `${output.format} with inlineDynamicImports`
              : undefined;
        if (single)
          this.error(escapeControls(singleFileFormat(single, state.workersIn(state.emitted)).message));
      },
      renderChunk(code, chunk, output) {
        return renderModuleUrl(this, state, code, chunk, output.format);
      },
      generateBundle(_output, bundle) {
        rollupChunks(this, state, bundle);
      },
    },

    webpack(compiler) {
      state.setRoot(compiler.options.context ?? process.cwd());
      const isModule = compiler.options.output?.module === true;
      if (bareRuntime) {
        new compiler.webpack.ExternalsPlugin(isModule ? "module" : "node-commonjs", [runtime]).apply(
          compiler,
        );
      }
      // Worker files (esbuild-workers.ts explains them): an entry per worker module, its own
      // file at the top of output.path, where the generated code of every chunk that holds the
      // module looks for it (`__dirname`, which webpack leaves to Node for node targets).
      // Read once webpack has applied its defaults (after the plugins), before modules are built.
      compiler.hooks.afterEnvironment.tap("smartasync", () => {
        state.hostResolve = webpackResolve(compiler.options.resolve);
        state.linksKept = compiler.options.resolve.symlinks === false;
        const node = compiler.options.node;
        const toNode = (mode: unknown) => mode === false || mode === "eval-only";
        const plainNode = node === false || (toNode(node?.__filename) && toNode(node?.__dirname));
        if (!options.workerChunks) state.noWorkerFiles = state.noChunks;
        else if (!isModule && plainNode) {
          const out = compiler.options.output?.filename;
          const ext = typeof out === "string" ? extname(out) || ".js" : ".js";
          state.workerFiles = new WorkerFiles(
            compiler.options.output?.path ?? resolve(state.toolRoot, "dist"),
            ext,
            false,
            state.toolRoot,
          );
        }
      });
      compiler.hooks.finishMake.tapAsync("smartasync", (compilation, done) => {
        const files = state.workerFiles;
        if (!files || state.workers.size === 0) return done();
        const here = new Set<string>();
        for (const m of compilation.modules) for (const r of resources(m)) here.add(r);
        const add = [...state.workers.keys()].filter((f) => here.has(f));
        if (add.length === 0) return done();
        let left = add.length;
        let failed: Error | undefined;
        for (const file of add) {
          const filename = files.nameOf(file);
          const name = filename.slice(0, -extname(filename).length);
          const dep = compiler.webpack.EntryPlugin.createDependency(file, { name });
          compilation.addEntry(compiler.context, dep, { name, filename }, (err) => {
            if (err) failed ??= err;
            if (--left === 0) done(failed);
          });
        }
      });
      compiler.hooks.thisCompilation.tap("smartasync", (compilation) => {
        compilation.hooks.afterSeal.tap("smartasync", () => {
          if (state.workers.size === 0) return;
          const report = (p: BundleProblem) => {
            const err = new compiler.webpack.WebpackError(`smartasync: ${escapeControls(p.message)}`);
            if (p.severity === "error") compilation.errors.push(err);
            else compilation.warnings.push(err);
          };
          const used = new Set<string>();
          const chunks: ChunkInfo[] = [];
          for (const chunk of compilation.chunks) {
            const modules: string[] = [];
            for (const m of compilation.chunkGraph.getChunkModulesIterable(chunk))
              modules.push(...resources(m));
            for (const m of modules) used.add(m);
            const entries: string[] = [];
            for (const m of compilation.chunkGraph.getChunkEntryModulesIterable(chunk)) {
              // A concatenated module (scope hoisting) starts with its root module.
              const root = (m as { rootModule?: unknown }).rootModule ?? m;
              entries.push(...resources(root));
            }
            const name = [...chunk.files][0] ?? String(chunk.name ?? chunk.id);
            // Generated code names its module `__filename`, the file that holds the module's
            // code; a chunk without an entry module (splitChunks, import()) only defines its
            // modules when required, so a worker importing it would find nothing registered.
            const held = state.workersIn(modules);
            if (state.workerFiles && held.length && /[\\/]/.test(name))
              report(webpackSubdirectory(name, held));
            else if (!state.workerFiles && !isModule && held.length && entries.length === 0)
              report(chunkDoesNotRun(name, held));
            chunks.push({ name, modules, entries });
          }
          if (isModule) {
            // Generated code names its module `__filename` under webpack (which would replace
            // `import.meta.url` with the source file's URL); in ES module output that is undefined.
            const held = state.workersIn(used);
            if (held.length) report(webpackModuleOutput(held));
            return;
          }
          // webpack leaves `__filename` to Node only with node.__filename "eval-only" (its
          // default for node targets) or false; "mock" (web targets) makes it "/index.js".
          const node = compiler.options.node;
          const filenameMode = node === false ? false : node?.__filename;
          if (filenameMode !== false && filenameMode !== "eval-only") {
            const held = state.workersIn(used);
            if (held.length) report(webpackFilename(String(filenameMode), held));
            return;
          }
          // With worker files, a worker never imports a file that holds an entry.
          if (state.workerFiles) return;
          for (const p of checkChunks(chunks, state.workers, state.root, isGuarded, state.noWorkerFiles))
            report(p);
        });
      });
    },

    esbuild: {
      // Only the runtime's import and the files `include` can match reach JavaScript.
      onResolveFilter: new RegExp(`^${escaped}$`),
      onLoadFilter: rawOptions?.include === undefined ? DEFAULT_INCLUDE : /.*/,
      setup(build) {
        const o = build.initialOptions;
        state.setRoot(o.absWorkingDir ?? process.cwd());
        state.hostResolve = esbuildResolve(o, process.cwd());
        state.linksKept = o.preserveSymlinks === true;
        // esbuild's `cjs` and `iife` output has no `import.meta`.
        const format = o.format ?? (o.bundle && o.platform === "node" ? "cjs" : o.bundle ? "iife" : "esm");
        state.cjsOutput = format !== "esm";
        state.esbuild = build;
        if (state.nested) {
          // A worker file's build: its modules' worker files are the user's build's.
          state.workerFiles = state.nested.session;
          return;
        }
        const files = options.workerChunks ? layout(o, state.toolRoot, format === "esm") : state.noChunks;
        if (files instanceof WorkerFiles) state.workerFiles = files;
        else state.noWorkerFiles = files ?? "";
        o.metafile = true;
        build.onStart(() => {
          state.workerFiles?.builds.clear();
        });
        build.onEnd(async (result) => {
          const built = state.workerFiles ? await finish(state.workerFiles) : undefined;
          if (built && result.outputFiles) result.outputFiles.push(...built.outputs);
          const failed = (built?.errors ?? []).map((text) => ({
            text: escapeControls(text),
            pluginName: "smartasync",
          }));
          // Modules with a worker file of their own are reached there, whatever file holds them.
          const workers = new Map(
            [...state.workers].filter(([file]) => !state.workerFiles?.builds.has(file)),
          );
          if (workers.size === 0 && failed.length === 0) return;
          const outputs = result.metafile?.outputs ?? {};
          const chunks: ChunkInfo[] = Object.entries(outputs).map(([name, out]) => ({
            name,
            modules: Object.keys(out.inputs).map((p) => resolve(state.toolRoot, p)),
            entries: out.entryPoint ? [resolve(state.toolRoot, out.entryPoint)] : [],
          }));
          const problems = checkChunks(chunks, workers, state.root, isGuarded, state.noWorkerFiles);
          const as = (severity: string) =>
            problems
              .filter((p) => p.severity === severity)
              .map((p) => ({ text: escapeControls(p.message), pluginName: "smartasync" }));
          const errors = [...failed, ...as("error")];
          const warnings = as("warning");
          // esbuild puts what an on-end callback returns into the result without printing it:
          // print it as esbuild prints its own messages, at the build's log level.
          const level = o.logLevel ?? "warning";
          const shown = [
            ...(level === "silent" ? [] : errors.map((m) => ({ m, kind: "error" as const }))),
            ...(level === "silent" || level === "error"
              ? []
              : warnings.map((m) => ({ m, kind: "warning" as const }))),
          ];
          for (const { m, kind } of shown) {
            const [text] = build.esbuild.formatMessagesSync([m], {
              kind,
              color: o.color ?? process.stderr.isTTY,
            });
            process.stderr.write(text);
          }
          return { errors, warnings };
        });
      },
    },
  };
});

/**
 * Has smartasync's workers load `smartasync/register` before a function's module (through the
 * runtime's SMARTASYNC_WORKER_IMPORT), unless something else is set there. It compiles with
 * SWC, so it needs `@swc/core`; without it, nothing is set and worker functions warn instead.
 */
function useRegisterInWorkers(): boolean {
  if (process.env[WORKER_IMPORT_ENV]) return true;
  const require = createRequire(import.meta.url);
  let register: string;
  try {
    require.resolve("@swc/core");
    register = require.resolve("smartasync/register");
  } catch {
    return false;
  }
  process.env[WORKER_IMPORT_ENV] = pathToFileURL(register).href;
  return true;
}

/** The files of a webpack module: its resource, or those of the modules a concatenated module joins. */
function resources(m: unknown): string[] {
  const inner = (m as { modules?: Iterable<unknown> }).modules;
  if (inner && typeof inner[Symbol.iterator] === "function") return [...inner].flatMap(resources);
  const resource = (m as { resource?: unknown }).resource;
  return typeof resource === "string" ? [resource.replace(QUERY, "")] : [];
}

/** Vite's output formats, as far as its configuration says them before the build. */
function viteOutputs(build: {
  lib?: false | { formats?: readonly string[]; entry?: unknown };
  rollupOptions?: { output?: unknown };
  rolldownOptions?: { output?: unknown };
}): OutputShape[] {
  const output = (build.rolldownOptions?.output ?? build.rollupOptions?.output) as
    | OutputShape
    | OutputShape[]
    | undefined;
  const list = output === undefined ? [] : Array.isArray(output) ? output : [output];
  if (list.some((o) => o.format !== undefined)) return list;
  const lib = build.lib;
  if (!lib) return list;
  // Vite's default: es and umd for one entry, es and cjs for several.
  const several = typeof lib.entry === "object" && lib.entry !== null && Object.keys(lib.entry).length > 1;
  const formats = lib.formats ?? (several ? ["es", "cjs"] : ["es", "umd"]);
  return formats.map((format) => ({ ...list[0], format }));
}

/** Rollup's and Vite's renderChunk: the module URL in the form the output format has. */
function renderModuleUrl(
  ctx: { error: (m: string) => never },
  state: BuildState,
  code: string,
  chunk: { moduleIds: readonly string[] },
  format: string,
): { code: string; map: ReturnType<MagicString["generateMap"]> } | null {
  if (!code.includes(URL_PLACEHOLDER)) return null;
  const url = moduleUrlIn(format);
  if (url === undefined)
    ctx.error(escapeControls(formatWithoutUrl(format, state.workersIn(chunk.moduleIds)).message));
  const s = new MagicString(code);
  for (let i = code.indexOf(URL_PLACEHOLDER); i !== -1; i = code.indexOf(URL_PLACEHOLDER, i + 1))
    s.overwrite(i, i + URL_PLACEHOLDER.length, url);
  return { code: s.toString(), map: s.generateMap({ hires: true }) };
}

/** Rollup's and Vite's output chunks → the bundle checks. */
function rollupChunks(
  ctx: { warn: (m: { message: string; code: string }) => void; error: (m: string) => never },
  state: BuildState,
  bundle: Record<string, { type: string; moduleIds?: readonly string[]; facadeModuleId?: string | null }>,
): void {
  if (state.workers.size === 0) return;
  const chunks: ChunkInfo[] = [];
  // An entry's code may sit in another output file than its facade (output.manualChunks
  // grouping it with a worker module: the facade only imports that file), attack 15 F13.
  const facades = new Set<string>();
  for (const out of Object.values(bundle))
    if (out.type === "chunk" && out.facadeModuleId) facades.add(out.facadeModuleId.replace(QUERY, ""));
  for (const [name, out] of Object.entries(bundle)) {
    if (out.type !== "chunk") continue;
    const modules = (out.moduleIds ?? []).map((m) => m.replace(QUERY, ""));
    const own = out.facadeModuleId ? out.facadeModuleId.replace(QUERY, "") : undefined;
    const moved = new Set(modules.filter((m) => m !== own && facades.has(m)));
    chunks.push({
      name,
      modules,
      entries: [...(own === undefined ? [] : [own]), ...moved],
      moved,
    });
  }
  const why =
    state.noChunks ||
    " (a module with worker functions imports it, directly or through other modules, so it is in that module's output file)";
  const problems = checkChunks(chunks, state.workers, state.root, isGuarded, why);
  // Rollup and Vite put the plugin's name in front. Each message one line, its names escaped.
  for (const p of problems)
    if (p.severity === "warning") ctx.warn({ message: escapeControls(p.message), code: p.code });
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length) ctx.error(errors.map((p) => escapeControls(p.message)).join("\n"));
}

export default unplugin;
