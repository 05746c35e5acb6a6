/**
 * `.d.ts` files for `smartasync build`, through TypeScript's own declaration emit (DESIGN §6): the
 * TypeScript sources are compiled by the plugin with their types kept, so the declarations
 * include the generated variants (`loadSync`, `hashAsync`, methods) with real types.
 *
 * The same step serves `--compiler swc`: what it produces depends only on smartasync's options
 * (the variants' names and which exist), not on the compiler that builds the JavaScript, so it
 * runs the Babel plugin's types-kept pass with the options `smartasync/swc` reads for each file
 * (the project's options file) instead of the Babel config's. It then needs `@babel/core`; without it
 * the build skips the declarations with a note, as it does without `typescript`.
 */
import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import smartasyncPlugin, { DECLARATIONS_CALLER } from "../babel-plugin/index.js";
import { type BabelCore, loadBabel, MissingPackageError } from "./babel-loader.js";
import { writeOutput } from "./out-dir.js";

type Ts = typeof import("typescript");

interface PluginItem {
  value?: unknown;
  options?: unknown;
  file?: { request?: string; resolved?: string };
}

/** The smartasync options of the project's Babel config for `file`, if it names the plugin. */
async function pluginOptions(babel: BabelCore, file: string, cwd: string): Promise<unknown> {
  const partial = await babel.loadPartialConfigAsync({ filename: file, cwd }).catch(() => null);
  const items = (partial?.options.plugins ?? []) as PluginItem[];
  const ours = items.find(
    (i) =>
      i.value === smartasyncPlugin ||
      i.file?.request === "smartasync/babel" ||
      /smartasync[\\/](dist|src)[\\/]babel-plugin[\\/]index\.[jt]s$/.test(i.file?.resolved ?? ""),
  );
  return ours?.options ?? {};
}

export interface DeclarationResult {
  written: string[];
  /** TypeScript's own diagnostics, as text; declarations are written regardless. */
  problems: string[];
  /** Why nothing was emitted (TypeScript not installed), if so. */
  skipped?: string;
}

/**
 * Emits `.d.ts` files for `tsFiles` (absolute, under `srcDir`) into `outDir`, with the smartasync
 * options the JavaScript was built with: the Babel config's (`babel`), or the package.json
 * field's that `smartasync/swc` reads (`swc`).
 */
export async function emitDeclarations(
  tsFiles: string[],
  srcDir: string,
  outDir: string,
  cwd: string,
  compiler: "babel" | "swc" = "babel",
): Promise<DeclarationResult> {
  const require = createRequire(join(cwd, "package.json"));
  let ts: Ts;
  try {
    ts = require(require.resolve("typescript")) as Ts;
  } catch {
    try {
      ts = (await import("typescript")).default as Ts;
    } catch {
      return {
        written: [],
        problems: [],
        skipped: "typescript is not installed, so no .d.ts files were written",
      };
    }
  }
  // TypeScript 7 is the native compiler: its package has no compiler API to drive (no `sys`, no
  // `createCompilerHost`). Said like a missing package, never an internal error (attack19 F8).
  if (typeof ts?.sys?.fileExists !== "function" || typeof ts.createCompilerHost !== "function") {
    const version = typeof ts?.version === "string" ? ` ${ts.version}` : "";
    return {
      written: [],
      problems: [],
      skipped: `typescript${version} has no compiler API smartasync can drive (TypeScript 7 has none), so no .d.ts files were written: install typescript@5 or 6 for them, or pass --no-declarations`,
    };
  }
  let babel: BabelCore;
  try {
    babel = await loadBabel(cwd);
  } catch (e) {
    if (!(e instanceof MissingPackageError)) throw e;
    return {
      written: [],
      problems: [],
      skipped:
        "@babel/core is not installed, so no .d.ts files were written (the declarations come from a types-kept pass of the Babel plugin; install @babel/core, or pass --no-declarations)",
    };
  }
  const sources = new Map<string, string>();
  const problems: string[] = [];
  for (const file of tsFiles) {
    try {
      // Under SWC, no options of the plugin's own: it reads the project's options file, as
      // smartasync/swc does; under Babel, the Babel config's over that file.
      const options = compiler === "swc" ? undefined : await pluginOptions(babel, file, cwd);
      const r = await babel.transformFileAsync(file, {
        cwd,
        babelrc: false,
        configFile: false,
        plugins: [[smartasyncPlugin, (options ?? {}) as object]],
        parserOpts: { plugins: /\.[cm]?tsx$/.test(file) ? ["typescript", "jsx"] : ["typescript"] },
        caller: { name: DECLARATIONS_CALLER, supportsStaticESM: true },
      });
      sources.set(resolve(file), r?.code ?? "");
    } catch (e) {
      problems.push(`${relative(cwd, file)}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  // The project's own tsconfig (nearest to the sources) gives libs, types and module settings.
  const configPath = ts.findConfigFile(srcDir, ts.sys.fileExists);
  let base: import("typescript").CompilerOptions = {};
  if (configPath) {
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    if (!read.error) base = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configPath)).options;
  }
  const compilerOptions: import("typescript").CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    ...base,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    skipLibCheck: true,
    noEmitOnError: false,
    declarationMap: false,
    sourceMap: false,
    rootDir: srcDir,
    outDir,
    allowJs: false,
  };
  const host = ts.createCompilerHost(compilerOptions);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => sources.get(resolve(f)) ?? readFile(f);
  host.getSourceFile = (f, lang, onError, create) => {
    const text = sources.get(resolve(f));
    return text !== undefined
      ? ts.createSourceFile(f, text, lang, true)
      : getSourceFile(f, lang, onError, create);
  };
  const written: string[] = [];
  host.writeFile = (f, text, _bom, _onError, from) => {
    // Into the out-dir without following a symbolic link (out-dir.ts), with the permission bits
    // of the source it declares, without execute (a `.d.ts` is never run; write-built.ts).
    try {
      const source = from?.length === 1 ? from[0]!.fileName : undefined;
      const mode = source !== undefined ? statSync(source).mode & 0o666 : undefined;
      writeOutput(outDir, resolve(f), text, mode);
      written.push(f);
    } catch (e) {
      problems.push(`${relative(cwd, f)}: cannot write: ${(e as Error).message}`);
    }
  };
  const program = ts.createProgram([...sources.keys()], compilerOptions, host);
  const result = program.emit(undefined, undefined, undefined, true);
  for (const d of [...ts.getPreEmitDiagnostics(program), ...result.diagnostics]) {
    if (d.category !== ts.DiagnosticCategory.Error) continue;
    const where = d.file ? `${relative(cwd, d.file.fileName)}: ` : "";
    problems.push(`${where}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
  }
  return { written: written.map((f) => relative(dirname(outDir), f)), problems };
}
