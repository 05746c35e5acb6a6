import type { types as t } from "@babel/core";
import { type Code, formatLoc, type Position, severityOf } from "../diagnostics.js";
import type { Options } from "../options.js";
import type { Report } from "../report.js";
import { Scopes } from "./scope.js";
import { type Closing, type Node, Tree } from "./tree.js";
import { constantKey, strip } from "./view.js";

export type Located = { loc?: t.SourceLocation | null; start?: number | null; end?: number | null };

/** Per-file state of one analysis: options, the report, the tree, and how to fail. */
export interface Ctx {
  readonly options: Options;
  /** Report path of this file, relative to the root. */
  readonly fileName: string;
  /** Absolute path of the file, when there is one (imports are resolved from it). */
  readonly filename: string | undefined;
  readonly code: string;
  readonly report: Report;
  readonly program: t.Program;
  /** Parent links, built on first use (files on the fast path never need them). */
  readonly tree: Tree;
  /** Bindings of every scope, built on first use. */
  readonly scopes: Scopes;
  /** Every comment of the file, in source order. */
  readonly comments: readonly t.Comment[];
  /**
   * A CommonJS transform runs after smartasync (`AnalysisInput.cjsTransform`): the file's imports
   * may become `require()`s whatever its extension (module-graph.ts `ofImport`; attack35 F09).
   */
  readonly cjsTransform?: boolean;
  /** Facts of imported modules (absent when a module is scanned on its own). */
  readonly graph?: import("./module-graph.js").ModuleGraph;
  /** Smartasync functions imported into this file, by local binding (decided by the bind step). */
  readonly imported?: import("./imported.js").ImportedFns;
  /** The compiler's located error (message plus code frame) for `node`. */
  error(message: string, node: Located | null): Error;
  /**
   * Functions the tree may leave closed (tree.ts `Closing`), decided by the bind step before the
   * tree is built; absent: the whole tree.
   */
  readonly closing?: Closing;
}

/** What a context is made of: the file and how to fail; the rest is built or bound from it. */
export type CtxInit = Omit<Ctx, "tree" | "scopes" | "imported" | "closing">;

/** What the bind step of a context decides, from the file and the graph, before any tree. */
export interface CtxBinding {
  imported?: import("./imported.js").ImportedFns;
  closing?: Closing;
}

export function posOf(node: Located): Position | undefined {
  const start = node.loc?.start;
  return start ? { line: start.line, column: start.column + 1 } : undefined;
}

/**
 * The position of `node` as Node, SWC and editors count it: a byte-order mark at the start of the
 * file is no column of line 1, where the parsers' locations count it (attack32 F07).
 */
export function posIn(ctx: Ctx, node: Located): Position | undefined {
  const pos = posOf(node);
  return pos && pos.line === 1 && pos.column > 1 && ctx.code.charCodeAt(0) === 0xfeff
    ? { line: 1, column: pos.column - 1 }
    : pos;
}

export function locOf(ctx: Ctx, node: Located): string {
  return formatLoc(ctx.fileName, posIn(ctx, node));
}

/** A location-only stand-in for a node, for diagnostics at a remembered position. */
export function at(pos: Position): Located {
  return { loc: { start: { line: pos.line, column: pos.column - 1 } } as t.SourceLocation };
}

/** Throws the diagnostic as the compiler's error, with its code frame at `node`. */
export function fail(ctx: Ctx, code: Code, node: Located, message: string): never {
  const full = `${code}: ${message} (${locOf(ctx, node)})`;
  const err = ctx.error(full, node);
  Object.assign(err, { code, smartasync: { code, loc: locOf(ctx, node) } });
  err.name = "SmartAsyncError";
  throw err;
}

/** Records a warning or hint in the report; under `strict` a warning is an error instead. */
export function warn(ctx: Ctx, code: Code, node: Located, message: string): void {
  const severity = severityOf(code, ctx.options.strict);
  if (severity === "error") fail(ctx, code, node, message);
  ctx.report.diagnostics.push({ code, severity, message, loc: locOf(ctx, node) });
}

/** Source text of a node, for messages and reasons (`fetch(...)`). */
export function sourceOf(ctx: Ctx, node: Node): string {
  return node.start != null && node.end != null ? ctx.code.slice(node.start, node.end) : "";
}

/** `load(...)`: a call written the short way, as messages quote it. */
export function callText(
  ctx: Ctx,
  call: t.CallExpression | t.OptionalCallExpression | t.NewExpression,
): string {
  const text = sourceOf(ctx, call.callee);
  // `(async () => 3)()`, not `async () => 3()`; `(c ? f : g)(...)`, not `c ? f : g(...)`.
  const callee = /Function|Class|Conditional|Logical|Sequence|Assignment|Binary|Unary|Await|Yield/.test(
    call.callee.type,
  )
    ? `(${text})`
    : text;
  // `r.read?.(...)`: the quoted call says that it may not run, as the source does.
  const optional = call.type === "OptionalCallExpression" && call.optional ? "?." : "";
  return `${call.type === "NewExpression" ? "new " : ""}${callee}${optional}(${call.arguments.length ? "..." : ""})`;
}

/** The static name of a property key (`a`, `"a"`, `["a"]`), else undefined. */
export function keyName(node: { key: Node; computed?: boolean }): string | undefined {
  if (node.computed) return node.key.type === "StringLiteral" ? node.key.value : undefined;
  if (node.key.type === "Identifier") return node.key.name;
  if (node.key.type === "StringLiteral") return node.key.value;
  return undefined;
}

/**
 * The key a class or object member certainly has, computed or not: `loadSync`, `"loadSync"`,
 * `["loadSync"]`, `` [`loadSync`] `` and `[K]` (`const K = "loadSync"`) all name `loadSync`, so a
 * bracketed literal is SA103 as `loadSync() {}` is (attack27 F03, fixtures
 * diagnostics/sa103-computed-key, sa103-computed-key-template); `null` for a number, `@@iterator`
 * for `Symbol.iterator`; undefined for a key computed at run time (checked where the class or
 * object is made, literal-variants.ts `spreadChecks`) and a private name, which no variant takes.
 */
export function literalKeyName(ctx: Ctx, node: { key: Node; computed?: boolean }): string | null | undefined {
  if (!node.computed) return keyName(node);
  return constantKey(ctx.scopes, strip(node.key));
}

/** A context whose tree and scopes are built on first use, by one walk; nothing bound. */
export function createCtx(init: CtxInit): Ctx {
  return createBoundCtx(init, () => ({})).ctx;
}

/**
 * A context built once with what its bind step decides: `bind` is given the new context before
 * anyone else sees it, may read the file and ask the graph (the imports' facts), and returns the
 * imported functions and the closing, which the context then holds read-only. The tree, built on
 * first use, is built with that closing, so the bind step must not ask for it.
 */
export function createBoundCtx<B extends CtxBinding>(
  init: CtxInit,
  bind: (ctx: Ctx) => B,
): { ctx: Ctx; bound: B } {
  let binding = true;
  let closing: Closing | undefined;
  let built: { tree: Tree; scopes: Scopes } | undefined;
  const build = () => {
    // Built before the closing is decided, the tree would be the whole one: wrong for a parse
    // with skipped bodies, and no longer what the lazy analysis checks afterwards.
    if (binding) throw new Error("smartasync: a context's tree was asked for before its bind step ended");
    if (!built) {
      const tree = new Tree(init.program, closing);
      built = { tree, scopes: new Scopes(tree) };
    }
    return built;
  };
  // defineProperties, not Object.assign: assign would call the getters and build the tree of
  // every file, the fast path's included.
  const ctx = Object.defineProperties(init, {
    tree: { get: () => build().tree, enumerable: true },
    scopes: { get: () => build().scopes, enumerable: true },
  }) as Ctx;
  const bound = bind(ctx);
  closing = bound.closing;
  binding = false;
  // Read-only from here: no pass after bind may change what the file imports or leaves closed.
  Object.defineProperties(ctx, {
    imported: { value: bound.imported, enumerable: true },
    closing: { value: closing, enumerable: true },
  });
  return { ctx, bound };
}
