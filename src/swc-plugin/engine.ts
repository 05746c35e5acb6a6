import { relative, sep } from "node:path";
import { nothingToDo } from "../compile/fast-path.js";
import { checkLimits } from "../compile/limits.js";
import { lenientParserFor, parserFor } from "../compile/parser.js";
import type { SourceMapJson } from "../compile/types.js";
import { analyse, type ParsedFile, planChanges } from "../core/analysis/analyse.js";
import type { Located } from "../core/analysis/ctx.js";
import { type FileReading, ModuleGraph } from "../core/analysis/module-graph.js";
import { babelErrorMessage } from "../core/code-frame.js";
import { startCompile } from "../core/compile-run.js";
import type { ScannedImport } from "../core/import-scan.js";
import { MSG } from "../core/messages.js";
import type { ModuleFacts } from "../core/module-facts.js";
import type { Options } from "../core/options.js";
import { emptyReport, finishReport, type Report } from "../core/report.js";
import { syntaxOf } from "../core/syntax.js";
import { emit } from "./emit.js";
import { parseToBabelShape, type SwcParserConfig } from "./lower.js";
import { skim } from "./skim.js";

/** What the SWC front end knows about one file before smartasync looks at it. */
export interface EngineInput {
  code: string;
  /** Absolute path of the file, when there is one. */
  filename: string | undefined;
  /** Validated smartasync options (opts.smartasync over the package.json field). */
  options: Options;
  /** The effective `jsc.parser` for this file (from opts or `.swcrc`), as `@swc/core` takes it. */
  parser: SwcParserConfig;
  /**
   * `true` for ES modules, `false` for scripts (`isModule: false`), `"commonjs"` for a CommonJS
   * script (`.cjs`: a top-level `return` allowed), `"unknown"` to let the parser choose.
   */
  isModule: boolean | "unknown" | "commonjs";
  /** SWC's `module.type` makes the output CommonJS (then the module URL is `__filename`). */
  cjsOutput: boolean;
  /** A bundler reads the output (core/analysis/analyse.ts `bundler`); default: Node. */
  bundler?: boolean;
  /** Directory report paths are relative to. */
  root: string;
  /** `checkLimits` was applied to `code` already. */
  limitsChecked?: boolean;
  /** The imports that pass met in code, for the fast path (compile/types.ts `codeImports`). */
  codeImports?: readonly ScannedImport[];
  /** The options another file is compiled with in this build (module-graph.ts `ownOptions`). */
  ownOptions?: OwnOptions;
  /** SWC compiles `code` afterwards (its syntax errors are reported there): see skim.ts. */
  skimBodies?: boolean;
  /** `false`: the result's `exports` are not wanted, and not computed (core/analysis/analyse.ts). */
  facts?: boolean;
}

/** A source map as JSON (version 3), from the edits smartasync made to the input text. */
export type EditMap = SourceMapJson;

export interface EngineResult {
  /** The input with smartasync's edits applied (still TypeScript if the input was). */
  code: string;
  /** Maps `code` back to the input; chained by the front end as SWC's `inputSourceMap`. */
  map: EditMap;
  report: Report;
  /** What the file exports that is smartasync (for manifests). */
  exports?: ModuleFacts;
  /** The callees of `code` whose first argument is the module's URL (core `moduleUrlCallees`). */
  urlCallees?: string[];
}

/** The parser an imported module needs, from its extension (compile/parser.ts). */
export { parserFor };

const graphs = new Map<string, { root: string; graph: ModuleGraph }>();
/** Per host layer: the graphs by options, which read each other's modules (core/analysis/module-graph.ts). */
const families = new Map<string, Map<string, ModuleGraph>>();
/**
 * Per host layer: how the file compiled now reads the others (its `.swcrc`, the folder the build
 * compiles). Not part of the layer's key: a graph per project folder would keep every test's or
 * watch root's modules alive.
 */
const readers = new Map<string, { of: OwnOptions["of"] | undefined }>();

/** How another file of the build gets its options: the host's layer (as JSON) over its project's. */
export interface OwnOptions {
  layer: string;
  of: (file: string) => FileReading;
}

/**
 * One module graph per options, shared by every file compiled in this process: imported modules
 * are parsed once per build (and per watch session), and again only when they change.
 */
export function graphFor(options: Options, root: string, own?: OwnOptions): ModuleGraph {
  // The graphs of one host layer form a family; a graph is never shared with another layer,
  // which would read imported files with that layer's options.
  const layer = own?.layer ?? "";
  const key = `${layer}\0${JSON.stringify(options)}`;
  const reader = readers.get(layer) ?? { of: own?.of };
  readers.set(layer, reader);
  reader.of = own?.of;
  let entry = graphs.get(key);
  if (!entry) {
    const holder = { root, graph: undefined as unknown as ModuleGraph };
    const family = families.get(layer) ?? new Map<string, ModuleGraph>();
    families.set(layer, family);
    let graph = family.get(JSON.stringify(options));
    if (!graph) {
      graph = new ModuleGraph(
        (source, path) => {
          // An imported module past the limits is "cannot be parsed" (SA204 at the import), never
          // handed to SWC's parser, which would end the process (compile/limits.ts).
          checkLimits(source, path);
          // A `.cjs` may `return` at the top level, as Node allows (attack23 F9); Babel's module
          // parser allows it there too (babel-plugin/parse.ts).
          const isModule = syntaxOf(path).commonjs ? "commonjs" : "unknown";
          let file: ReturnType<typeof parseToBabelShape>;
          try {
            file = parseToBabelShape(source, { parser: parserFor(path), isModule });
          } catch {
            file = parseToBabelShape(source, { parser: lenientParserFor(path), isModule });
          }
          return { program: file.program, comments: file.comments ?? [] };
        },
        options,
        () => holder.root,
        own ? (file) => (reader.of ?? own.of)(file) : undefined,
        family,
      );
      // Facts read by SWC's parser, should the host keep them on disk (compile/facts-store.ts).
      graph.cacheTag = "swc";
    }
    holder.graph = graph;
    graphs.set(key, holder);
    entry = holder;
  }
  entry.root = root;
  return entry.graph;
}

/**
 * The file parsed for the analysis: with the bodies that cannot matter left out when the caller
 * allows it (skim.ts), the full parse then made only if the analysis asks for it.
 */
function parse(
  input: EngineInput,
  graph: ModuleGraph,
  importFacts: Map<string, ModuleFacts>,
  codeImports: readonly ScannedImport[] | undefined,
): ParsedFile {
  const { code, filename } = input;
  const opts = { parser: input.parser, isModule: input.isModule };
  const full = (): ParsedFile => {
    const file = parseToBabelShape(code, opts);
    return { program: file.program, comments: file.comments ?? [] };
  };
  // JSX text is not read by the scan (nor skipped).
  const skimmed =
    input.skimBodies && !input.parser.jsx && !input.parser.tsx
      ? skim({
          code,
          options: input.options,
          isModule: input.isModule,
          factsOf: filename
            ? (specifier, kind) => {
                // A `require()` may resolve elsewhere than an import (package.json conditions).
                const key = kind ? `${kind}\0${specifier}` : specifier;
                let facts = importFacts.get(key);
                if (!facts) {
                  facts = graph.ofImport(specifier, filename, "facts", kind, input.cjsOutput);
                  importFacts.set(key, facts);
                }
                return facts;
              }
            : undefined,
          codeImports,
        })
      : undefined;
  if (!skimmed) return full();
  let file: ReturnType<typeof parseToBabelShape>;
  try {
    file = parseToBabelShape(code, opts, skimmed);
  } catch {
    // What the blanked text fails on, the file itself says (or parses).
    return full();
  }
  let whole: ParsedFile | undefined;
  return {
    program: file.program,
    comments: file.comments ?? [],
    skipped: skimmed,
    imports: skimmed.imports,
    whole: () => {
      whole ??= full();
      return whole;
    },
  };
}

/**
 * The nesting pass's imports where they stand for the file's (every import a tokenizer finds is
 * among them): it reads no JSX text, and no Flow, so in ECMAScript and TypeScript without JSX only.
 */
function notedImports(
  input: EngineInput,
  imports: readonly ScannedImport[] | undefined,
): readonly ScannedImport[] | undefined {
  const { syntax, jsx, tsx } = input.parser;
  return (syntax === "ecmascript" || syntax === "typescript") && !jsx && !tsx ? imports : undefined;
}

function isDiagnostic(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^SA\d{3}$/.test(code);
}

/**
 * Analyses one file with the core's rules over the SWC AST and applies the plan as text edits.
 * Returns `{ report }` alone when nothing in the file needs a change (the front end then hands
 * the original text to SWC). Throws a `SmartAsyncError` (with `code` SAxxx and Babel's message
 * format and code frame) for diagnostics that are errors; a syntax error is SWC's own.
 */
export function compile(
  input: EngineInput,
): EngineResult | { report: Report; code?: undefined; exports?: ModuleFacts } {
  const { code, filename, options } = input;
  const fileName = filename
    ? relative(options.root ?? input.root, filename)
        .split(sep)
        .join("/")
    : "<input>";
  const graph = graphFor(options, options.root ?? input.root, input.ownOptions);
  startCompile();
  // Fast path (compile/fast-path.ts): nothing to do → no parse at all.
  if (nothingToDo(code, filename, options, graph, input.codeImports, input.cjsOutput))
    return { report: finishReport(emptyReport(fileName)) };
  // A file that must be parsed is held to the per-file limits first (SA901, located), unless
  // the caller held it to them already (smartasync/swc, which also hands it to SWC).
  // The imports that pass meets in code go to the skim (the caller's when it ran the pass).
  const codeImports = notedImports(
    input,
    input.limitsChecked ? input.codeImports : checkLimits(code, filename),
  );
  // Facts of imports, read once for the skim and the analysis.
  const importFacts = new Map<string, ModuleFacts>();
  const parsed = parse(input, graph, importFacts, codeImports);
  const error = (message: string, node: Located | null): Error =>
    new Error(babelErrorMessage(filename, message, code, node?.loc ?? null));
  try {
    const analysis = analyse({
      parsed,
      importFacts,
      scannedImports: parsed.imports,
      codeImports,
      code,
      filename,
      fileName,
      options,
      graph,
      cjsTransform: input.cjsOutput,
      // SWC's parser reads a script here: the runtime cannot come in by an `import` (attack31 F04).
      script:
        input.isModule === false
          ? { kind: "script", option: "isModule: false" }
          : input.isModule === "commonjs"
            ? { kind: "commonjs", option: 'isModule: "commonjs"' }
            : undefined,
      bundler: input.bundler === true,
      facts: input.facts !== false,
      error,
    });
    const plan = analysis.plan;
    if (!plan || !planChanges(plan)) return { report: analysis.report, exports: analysis.exports };
    const out = emit(plan, code, filename);
    return {
      code: out.code,
      // Read only when a source map is wanted (the emitter builds it on first use).
      get map() {
        return out.map;
      },
      report: analysis.report,
      exports: analysis.exports,
      urlCallees: out.urlCallees,
    };
  } catch (e) {
    // A syntax error in a skipped body is the file's first problem, as on a full parse.
    parsed.whole?.();
    if (isDiagnostic(e)) throw e;
    // Never a bare crash: say it is ours, keep the original error as the cause.
    const err = error(`SA901: ${MSG.internal((e as Error)?.message ?? String(e))}`, null);
    Object.assign(err, { code: "SA901", cause: e });
    err.name = "SmartAsyncError";
    throw err;
  }
}
