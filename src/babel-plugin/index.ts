import type { PluginAPI, PluginObject, PluginPass } from "@babel/core";
import { resolveFileOptions } from "../compile/options.js";
import { ModuleGraph } from "../core/analysis/module-graph.js";
import { startCompile } from "../core/compile-run.js";
import { MSG } from "../core/messages.js";
import { hasFacts, type ModuleFacts } from "../core/module-facts.js";
import { type Options as ResolvedOptions, validateOptions } from "../core/options.js";
import type { Report } from "../core/report.js";
import { codeFrameError } from "./errors.js";
import { type BuildCaller, babelReading, type Locating, PLUGIN_MARK } from "./host-config.js";
import { babelModuleParser } from "./parse.js";
import { rootOf, transformProgram } from "./transform.js";

export type { Manifest } from "../core/module-facts.js";
/** smartasync's options as a Babel config writes them: every key optional (docs/semantics.md#options). */
export type Options = Partial<ResolvedOptions>;
export type { Report } from "../core/report.js";
export { createManifest } from "./manifest.js";

/** Babel `caller.name` of `smartasync build`'s declaration pass. */
export const DECLARATIONS_CALLER = "smartasync-declarations";

/** How messages name the plugin's own layer of options. */
const PLUGIN_OPTIONS = "the Babel plugin's options";

const graphs = new Map<string, { root: string; graph: ModuleGraph }>();
/** Per Babel major and host options: the graphs by options, which read each other's modules (module-graph.ts). */
const families = new Map<string, Map<string, ModuleGraph>>();
/**
 * Per host layer: the file being compiled now (whose config entry says where the plugin came
 * from) and where its config is looked for. Not part of the layer's key: a graph per project
 * folder would keep every test's or watch root's modules alive (an OOM in test/idempotence).
 */
const compiling = new Map<string, { self: string | undefined; at: Locating }>();

/** The module graph the plugin uses for these options (tests and tools read its counters). */
export function moduleGraphFor(babelMajor: number, options: unknown): ModuleGraph | undefined {
  // `options` as the plugin resolved them for a file (the project's file under its own).
  // (whatever the host layer it came under).
  const suffix = `\0${JSON.stringify(validateOptions(options))}`;
  for (const [key, entry] of graphs)
    if (key.startsWith(`${babelMajor}\0`) && key.endsWith(suffix)) return entry.graph;
  return undefined;
}

/**
 * What the declaration says of Babel's plugin API and of the plugin object. Babel 8's own types
 * call them `PluginAPI` and `PluginObject`, Babel 7's (`@types/babel__core`) `ConfigAPI` and
 * `PluginObj`: structural types of our own keep `smartasync/babel`'s declaration checking under
 * either (with `skipLibCheck: false` too). Babel passes its real API; the body reads it as
 * Babel 8's.
 */
export interface BabelApi {
  version: string;
  types: object;
  assertVersion(range: string | number): unknown;
}

export interface BabelPlugin {
  name: string;
  // The visitor's own type differs between Babel 7's and 8's declarations; `{}` is assignable to both.
  visitor: {};
}

/**
 * `smartasync/babel`: gives every `@smartasync` function both colours and rewrites each call
 * to the variant its context needs. The report lands at `result.metadata.smartasync`.
 */
export default function smartasync(babelApi: BabelApi, rawOptions: unknown): BabelPlugin {
  const api = babelApi as unknown as PluginAPI;
  api.assertVersion("^7.22.0 || ^8.0.0");
  // The plugin's own options are validated once, before any file is traversed (SA104 with "did
  // you mean"); each file's are the project's options file under them (compile/options.ts).
  const base = validateOptions(rawOptions);
  const major = api.version.split(".")[0];
  // `smartasync build` says through Babel's `caller` where it loads each file's config from and
  // which folder it compiles (host-config.ts); read as the plugin is made, per caller.
  let build: BuildCaller | undefined;
  let service = false;
  api.caller((c) => {
    const caller = c as (BuildCaller & { name?: string }) | undefined;
    service = caller?.name === "smartasync-compile";
    if (caller?.smartasyncConfigCwd !== undefined)
      build = {
        smartasyncConfigCwd: caller.smartasyncConfigCwd,
        smartasyncCompiles: caller.smartasyncCompiles,
      };
    return `${caller?.name ?? ""}\0${caller?.smartasyncConfigCwd ?? ""}\0${caller?.smartasyncCompiles ?? ""}`;
  });
  const loadPartial = (api as unknown as { loadPartialConfigSync?: Parameters<typeof babelReading>[0] })
    .loadPartialConfigSync;
  // One module graph per Babel major and options, shared by every plugin instance: imported
  // modules are read once per build (and per watch session), and re-read only when they change.
  // Each file's imports are read with the options that file is compiled with here: its own
  // project's under the options the host gives it (modules/options-per-package), which Babel
  // resolves per file (`overrides`, `.babelrc`, `env`), or as not compiled where the host skips
  // it (`ignore`, the plugin turned off: attack31 F01/F02).
  const ownOptionsAt = (now: { self: string | undefined; at: Locating }) => (file: string) => {
    const reading = babelReading(loadPartial?.bind(api), now.at, now.self, rawOptions, file);
    return "notCompiled" in reading ? reading : resolveFileOptions(file, reading.options, PLUGIN_OPTIONS);
  };
  const sharedFor = (options: ResolvedOptions, at: Locating, self: string | undefined) => {
    // The graphs of one host layer (these options, located the same way) form a family; a graph
    // is never shared with another layer, which would read imported files with that layer's options.
    const layer = `${major}\0${JSON.stringify(rawOptions ?? null)}`;
    const key = `${layer}\0${JSON.stringify(options)}`;
    const now = compiling.get(layer) ?? { self, at };
    compiling.set(layer, now);
    now.self = self;
    now.at = at;
    let entry = graphs.get(key);
    if (!entry) {
      const holder = { root: process.cwd(), graph: undefined as unknown as ModuleGraph };
      const family = families.get(layer) ?? new Map<string, ModuleGraph>();
      families.set(layer, family);
      let graph = family.get(JSON.stringify(options));
      if (!graph) {
        graph = new ModuleGraph(
          babelModuleParser(api),
          options,
          () => holder.root,
          ownOptionsAt(now),
          family,
        );
        // Facts read by this Babel's parser, should the host keep them on disk (compile/facts-store.ts).
        graph.cacheTag = `babel${major}`;
      }
      holder.graph = graph;
      graphs.set(key, holder);
      entry = holder;
    }
    return entry;
  };
  // `smartasync build` compiles TypeScript a second time, types kept, for TypeScript's own
  // declaration emit; it says so through Babel's `caller` (not a user option).
  const forDeclarations =
    api.caller((c) => (c as { name?: string } | undefined)?.name === DECLARATIONS_CALLER) === true;
  // A caller that reads ES modules itself (babel-loader, @rollup/plugin-babel, the bundler
  // plugins' Babel engine) bundles the output: a `.js` file of a package without `"type"` is an
  // ES module there. Any other (the CLI, @babel/cli, @babel/register) writes it for Node, which
  // reads it by its code (fixture cjs/typeless-script).
  // The bundler plugins' Babel engine under webpack says `smartasyncModuleHost: "node"`: webpack
  // reads such a file by its code, as Node does (attack28 F13).
  const bundler =
    api.caller((c) => {
      const caller = c as { supportsStaticESM?: boolean; smartasyncModuleHost?: string } | undefined;
      return caller?.supportsStaticESM === true && caller.smartasyncModuleHost !== "node";
    }) === true;
  const plugin = {
    name: "smartasync",
    visitor: {
      Program(path, state) {
        startCompile();
        let result: { report: Report; exports?: ModuleFacts; urlCallees?: string[] };
        const filename = state.filename ?? state.file.opts.filename ?? undefined;
        // `transformFromAstSync(ast, undefined, …)`: the analysis reads the text (annotations,
        // positions); without it the file would be left as it is while importers, which read it
        // from disk, call its variants (attack31 F12). Its comments tell whether it matters.
        if (!state.file.code) {
          const tag = (state.file.ast.comments ?? []).find((c) => /@smartasync/i.test(c.value));
          if (tag)
            throw codeFrameError(
              state.file,
              tag as never,
              "smartasync needs the source text of this file, and was given its AST alone (Babel's `transformFromAst` without `code`): pass the code as the second argument, or use `transform`/`transformFile`",
            );
        }
        const options = filename ? resolveFileOptions(filename, rawOptions, PLUGIN_OPTIONS) : base;
        const opts = state.file.opts as Partial<Locating>;
        const at: Locating = {
          cwd: opts.cwd ?? process.cwd(),
          root: opts.root ?? opts.cwd ?? process.cwd(),
          envName: opts.envName,
          ...(build ? { cli: build } : {}),
          ...(service ? { noConfig: true } : {}),
        };
        const shared = sharedFor(options, at, filename ?? undefined);
        try {
          shared.root = rootOf(state.file, options);
          result = transformProgram(
            api.types,
            path,
            state.file,
            options,
            shared.graph,
            forDeclarations,
            bundler,
          );
        } catch (e) {
          if (
            typeof (e as { code?: unknown }).code === "string" &&
            /^SA\d{3}$/.test((e as { code: string }).code)
          )
            throw e;
          // Never a bare crash: say it is ours, keep the original error as the cause.
          const err = codeFrameError(
            state.file,
            null,
            `SA901: ${MSG.internal((e as Error)?.message ?? String(e))}`,
          );
          Object.assign(err, { code: "SA901", cause: e });
          throw err;
        }
        const meta = state.file.metadata as unknown as {
          smartasync: Report;
          smartasyncExports?: ModuleFacts;
          smartasyncUrlCallees?: string[];
        };
        meta.smartasync = result.report;
        // Not part of the report: the output's calls that name the module's URL, for the bundler
        // plugins (compile/types.ts `urlCallees`).
        if (result.urlCallees) meta.smartasyncUrlCallees = result.urlCallees;
        // Not part of the report: what the file exports, for package manifests.
        const own = result.exports;
        if (own && hasFacts(own)) meta.smartasyncExports = own;
      },
    },
  } satisfies PluginObject<PluginPass>;
  return plugin;
}
// A config item of this plugin is known by it (host-config.ts), whatever path loaded it.
Object.defineProperty(smartasync, PLUGIN_MARK, { value: true });
