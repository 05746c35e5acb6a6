/**
 * The two front ends the build-tool plugin can use for one file. Both apply smartasync and
 * nothing else: TypeScript, JSX and syntax the target lacks stay for the build tool, which
 * compiles the result as it compiles every other file.
 *
 * - `swc`: `@swc/core` parses; smartasync's plan is applied to the text as edits (the engine
 *   `smartasync/swc` uses before it hands the text to SWC's compiler, which is not run here).
 *   The map is the edits' own map. A file that needs no change costs a text scan.
 * - `babel`: `@babel/core` parses and prints with only the smartasync plugin (and the syntax
 *   plugins the extension needs), so the output is Babel's printing of the same code. A file
 *   whose text has no annotation and imports nothing smartasync knows is not given to Babel.
 *
 * Both packages are optional peer dependencies, loaded on first use.
 */
import { createRequire } from "node:module";
import type { ModuleGraph } from "../core/analysis/module-graph.js";
import { mayContainAnnotation, mayContainMisspelling } from "../core/annotation.js";
import { scanImports } from "../core/import-scan.js";
import type { Options as CoreOptions } from "../core/options.js";
import { missingPeerMessage } from "../core/peers.js";
import { emptyReport, type Report } from "../core/report.js";
import type { BabelEngineOptions, SwcEngineOptions } from "./options.js";

export interface SourceMapJson {
  version: number;
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
  file?: string;
}

export interface EngineFile {
  code: string;
  /** smartasync's options for this file (the plugin's over the nearest package.json's field). */
  options: CoreOptions;
  /** Absolute path, without query. */
  filename: string;
  /** The module's URL in the output is `__filename` (the output runs as CommonJS). */
  cjsOutput: boolean;
  /** Directory the report's paths are relative to. */
  root: string;
}

export interface EngineOutput {
  report: Report;
  /** Absent when nothing changed. */
  code?: string;
  map?: SourceMapJson;
}

export type Engine = (file: EngineFile) => Promise<EngineOutput>;

export class MissingPeerError extends Error {
  readonly code = "SMARTASYNC_MISSING_PEER";
}

const require = createRequire(import.meta.url);

/** Imports a module of this package or an optional peer (checked first with `isPackageMissing`). */
async function load<T>(specifier: string): Promise<T> {
  return (await import(specifier)) as T;
}

function isPackageMissing(name: string): boolean {
  try {
    require.resolve(name);
    return false;
  } catch {
    return true;
  }
}

// ——— SWC ———

type SwcEngineModule = typeof import("../swc-plugin/engine.js");

export function swcEngine(swc: SwcEngineOptions): Engine {
  let mod: Promise<SwcEngineModule> | undefined;
  return async (file) => {
    if (!mod) {
      if (isPackageMissing("@swc/core"))
        throw new MissingPeerError(
          `smartasync: ${missingPeerMessage("@swc/core", "the SWC engine (the default)")}, or set \`engine: "babel"\` (with @babel/core installed)`,
        );
      mod = load<SwcEngineModule>("../swc-plugin/engine.js");
    }
    const { compile, parserFor } = await mod;
    const { options } = file;
    const parser = swc.parser ?? parserFor(file.filename);
    let out: ReturnType<SwcEngineModule["compile"]>;
    try {
      out = compile({
        code: file.code,
        filename: file.filename,
        options,
        parser: parser as Parameters<SwcEngineModule["compile"]>[0]["parser"],
        // A `.cjs` file may `return` at the top level, as Node allows. (A `.cts` file may use
        // `import`/`export`, which TypeScript turns into CommonJS.)
        isModule: (/\.cjs$/.test(file.filename) ? "commonjs" : true) as never,
        cjsOutput: file.cjsOutput,
        root: options.root ?? file.root,
      });
    } catch (e) {
      throw syntaxOrOwn(e, file.filename, parser);
    }
    if (out.code === undefined) return { report: out.report };
    return { report: out.report, code: out.code, map: out.map as SourceMapJson };
  };
}

/** SWC's parse errors say nothing about smartasync: add which parser was used and how to change it. */
function syntaxOrOwn(e: unknown, filename: string, parser: unknown): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^SA\d{3}$/.test(code)) return e;
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

// ——— Babel ———

type BabelCore = typeof import("@babel/core");
type BabelPluginModule = typeof import("../babel-plugin/index.js");

/** Static imports, re-exports and `require(…)` (core/import-scan.ts, as the SWC engine's fast path reads them). */
function importsAnythingKnown(code: string, filename: string, graph: ModuleGraph): boolean {
  for (const { specifier, kind } of scanImports(code)) {
    if (kind === "dynamic") continue;
    const facts = graph.ofImport(specifier, filename, "facts");
    if (facts.exports.size || facts.methods.size || facts.problem) return true;
  }
  return false;
}

/** A no-op plugin that tells the smartasync plugin the output is CommonJS, as Babel's own transform would. */
function commonJsSignal(): { name: string; visitor: Record<string, never> } {
  return { name: "transform-modules-commonjs", visitor: {} };
}

export function babelEngine(babelOptions: BabelEngineOptions): Engine {
  let mods: Promise<[BabelCore, BabelPluginModule]> | undefined;
  const {
    plugins: userPlugins = [],
    presets: userPresets = [],
    parserOpts: userParserOpts = {},
    ...rest
  } = babelOptions as {
    plugins?: unknown[];
    presets?: unknown[];
    parserOpts?: { plugins?: unknown[] } & Record<string, unknown>;
  } & Record<string, unknown>;
  return async (file) => {
    if (!mods) {
      if (isPackageMissing("@babel/core"))
        throw new MissingPeerError(`smartasync: ${missingPeerMessage("@babel/core", "the Babel engine")}`);
      mods = Promise.all([
        load<BabelCore>("@babel/core"),
        load<BabelPluginModule>("../babel-plugin/index.js"),
      ]);
    }
    const [babel, plugin] = await mods;
    const { options } = file;
    const major = Number(babel.version.split(".")[0]);
    // The fast path: the plugin's module graph exists once Babel has run it for these options.
    // Before its first run, a file that imports nothing is all it can skip.
    const graph = plugin.moduleGraphFor(major, options);
    if (
      !mayContainAnnotation(file.code, options.runtime) &&
      !mayContainMisspelling(file.code) &&
      (graph
        ? !importsAnythingKnown(file.code, file.filename, graph)
        : !/\b(?:import|export|require)\b/.test(file.code))
    )
      return { report: emptyReport("") };
    const ts = /\.[cm]?tsx?$/.test(file.filename);
    const jsx = /\.[jt]sx$/.test(file.filename);
    const syntax: unknown[] = [];
    if (ts) syntax.push("typescript");
    if (jsx) syntax.push("jsx");
    const result = await babel.transformAsync(file.code, {
      babelrc: false,
      configFile: false,
      sourceType: "unambiguous",
      ...rest,
      filename: file.filename,
      cwd: (rest.cwd as string | undefined) ?? file.root,
      sourceMaps: true,
      parserOpts: {
        // As Node allows in CommonJS (and the SWC engine parses `.cjs`).
        ...(/\.cjs$/.test(file.filename) ? { allowReturnOutsideFunction: true } : {}),
        ...userParserOpts,
        plugins: [...syntax, ...(userParserOpts.plugins ?? [])],
      },
      plugins: [
        [plugin.default, options],
        ...(file.cjsOutput ? [commonJsSignal] : []),
        ...userPlugins,
      ] as never,
      presets: userPresets as never,
      caller: {
        name: "smartasync-unplugin",
        supportsStaticESM: true,
        supportsDynamicImport: true,
        supportsTopLevelAwait: true,
      },
    } as never);
    const report = (result?.metadata as { smartasync?: Report } | undefined)?.smartasync;
    if (!result || result.code == null || !report) return { report: report ?? emptyReport("") };
    return { report, code: result.code, map: (result.map ?? undefined) as SourceMapJson | undefined };
  };
}
