/**
 * The Babel engine of the compile service: `@babel/core` parses and prints with only the
 * smartasync plugin (and the syntax plugins the extension needs), so the output is Babel's
 * printing of the same code. Loaded by index.ts when the Babel engine is asked for.
 */
import { withoutBom } from "../core/chars.js";
import { startCompile } from "../core/compile-run.js";
import type { ModuleFacts } from "../core/module-facts.js";
import type { Options } from "../core/options.js";
import { emptyReport, type Report } from "../core/report.js";
import { syntaxOf } from "../core/syntax.js";
import { nothingToDo } from "./fast-path.js";
import { checkLimits } from "./limits.js";
import { type CompileRequest, type CompileResult, result, type SourceMapJson } from "./types.js";

type BabelCore = typeof import("@babel/core");
type BabelPluginModule = typeof import("../babel-plugin/index.js");
let babelModules: Promise<[BabelCore, BabelPluginModule]> | undefined;

/** A no-op plugin that tells the smartasync plugin the output is CommonJS, as Babel's own transform would. */
function commonJsSignal(): { name: string; visitor: Record<string, never> } {
  return { name: "transform-modules-commonjs", visitor: {} };
}

export async function compileBabel(req: CompileRequest, options: Options): Promise<CompileResult> {
  const filename = req.filename ?? "";
  if (!babelModules) {
    babelModules = Promise.all([
      import("@babel/core") as Promise<BabelCore>,
      import("../babel-plugin/index.js") as Promise<BabelPluginModule>,
    ]);
  }
  const [babel, plugin] = await babelModules;
  const major = Number(babel.version.split(".")[0]);
  // The plugin's module graph exists once Babel has run it for these options.
  startCompile();
  if (
    nothingToDo(
      req.code,
      req.filename,
      options,
      plugin.moduleGraphFor(major, options),
      undefined,
      req.cjsOutput,
    )
  )
    return result(options, { report: emptyReport("") });
  // The same per-file limits as the SWC engine, for a file that must be parsed.
  if (!req.limitsChecked) checkLimits(req.code, req.filename);
  const {
    plugins: userPlugins = [],
    presets: userPresets = [],
    parserOpts: userParserOpts = {},
    ...rest
  } = (req.babel ?? {}) as {
    plugins?: unknown[];
    presets?: unknown[];
    parserOpts?: { plugins?: unknown[] } & Record<string, unknown>;
  } & Record<string, unknown>;
  const syntax: unknown[] = [];
  if (/\.[cm]?tsx?$/.test(filename)) syntax.push("typescript");
  if (/\.[jt]sx$/.test(filename)) syntax.push("jsx");
  const out = await babel.transformAsync(withoutBom(req.code), {
    babelrc: false,
    configFile: false,
    sourceType: "unambiguous",
    ...rest,
    filename: filename,
    cwd: (rest.cwd as string | undefined) ?? req.root,
    sourceMaps: true,
    parserOpts: {
      // As Node allows in CommonJS (and the SWC engine parses `.cjs`).
      ...(syntaxOf(filename).commonjs ? { allowReturnOutsideFunction: true } : {}),
      ...userParserOpts,
      plugins: [...syntax, ...(userParserOpts.plugins ?? [])],
    },
    // The plugin gets the host's own options and resolves each file's project options under them,
    // as it does for every module it imports: given this file's resolved options, it read every
    // imported module with them — an imported folder's own `syncSuffix` overridden, and its
    // variants called by names it does not export (attack 16 F13, test/integrations/
    // rollup-cache.test.ts). Options a caller resolved itself are all there is to give.
    plugins: [
      [plugin.default, req.resolved ?? req.options ?? {}],
      ...(req.cjsOutput ? [commonJsSignal] : []),
      ...userPlugins,
    ] as never,
    presets: userPresets as never,
    caller: {
      name: "smartasync-compile",
      // Read by the plugin too: a caller that supports ES modules is a bundler (req.bundler).
      supportsStaticESM: req.bundler !== false,
      // A bundler that reads a plain script as Node does (webpack, attack28 F13) keeps ES modules
      // for the rest of the file: the plugin reads this, not `supportsStaticESM` (a user's
      // preset-env would turn every module into CommonJS).
      ...(req.bundler === "by-syntax" ? { smartasyncModuleHost: "node" } : {}),
      supportsDynamicImport: true,
      supportsTopLevelAwait: true,
    },
  } as never);
  const meta = out?.metadata as
    | { smartasync?: Report; smartasyncExports?: ModuleFacts; smartasyncUrlCallees?: string[] }
    | undefined;
  const report = meta?.smartasync ?? emptyReport("");
  const exports = meta?.smartasyncExports;
  if (!out || out.code == null || !meta?.smartasync) return result(options, { report, exports });
  return result(options, {
    report,
    code: out.code,
    map: (out.map ?? undefined) as SourceMapJson | undefined,
    exports,
    urlCallees: meta.smartasyncUrlCallees,
  });
}
