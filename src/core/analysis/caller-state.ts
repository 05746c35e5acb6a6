import type { types as t } from "@babel/core";
import { MSG } from "../messages.js";
import { resolveImport } from "../resolve.js";
import { type CallEdit, type Index, resolveCallee } from "./calls.js";
import {
  functionReached,
  GLOBAL_OBJECTS,
  globalWrites,
  importedFrom,
  importTarget,
  isImportBinding,
  isKnownGlobal,
  stateRoot,
} from "./checks.js";
import { type Ctx, callText, locOf, sourceOf, warn } from "./ctx.js";
import { type Binding, isReference } from "./scope.js";
import { peelCallee } from "./transparent.js";
import type { Node } from "./tree.js";
import { memberName, strip } from "./view.js";
import { importsReach } from "./worker-imports.js";
import { forEachWrite, functionOfBinding } from "./writes.js";

/**
 * SA302 at a call of another module's worker or offloaded function (issue 14, #15 and #20): the
 * worker imports that module afresh and never runs the calling module, so what the calling module
 * changes — an object it imports from a third module (`config.debug = true` in the app's entry,
 * `config` of ./cfg.js, which the worker function reads), or a built-in global it replaces
 * (`globalThis.fetch = stub`, as a test set-up does, where the worker function calls `fetch`) —
 * is not what the worker sees. Its top-level code counts too, unless the worker's module imports
 * this one (then the worker runs it as well). Followed: the worker function and the functions of
 * its module it calls; not the functions of further modules.
 */
export function checkCallerState(ctx: Ctx, index: Index, edits: Map<Node, CallEdit>): void {
  if (!ctx.filename || !ctx.graph) return;
  const done = new Set<t.Function>();
  for (const call of ctx.tree.calls) {
    const edit = edits.get(call);
    if (!edit || edit.to === "callSync" || edit.to === "callAsync") continue;
    const r = resolveCallee(ctx, index, call);
    const fact = r?.ext?.fact;
    if (!fact) continue;
    const where =
      fact.kind === "async" && fact.syncStrategy === "worker"
        ? "worker"
        : fact.kind === "sync" && fact.asyncStrategy === "offload"
          ? "offloaded"
          : undefined;
    if (!where) continue;
    const callee = peelCallee(call.callee as Node);
    const id =
      callee.type === "Identifier"
        ? callee
        : callee.type === "MemberExpression" && strip(callee.object).type === "Identifier"
          ? (strip(callee.object) as t.Identifier)
          : undefined;
    const b = id && ctx.scopes.binding(id, id.name);
    if (!id || !b || !isImportBinding(ctx, b)) continue;
    const target = importTarget(ctx, id, b);
    const start = target && functionOfBinding(target.there);
    if (!target || !start || done.has(start)) continue;
    done.add(start);
    const uses = usesOf(target.other, start);
    // The worker runs this module's top-level code too where its module imports this one.
    const topCounts = !importsReach(ctx, target.other.filename!, ctx.filename);
    const changes: string[] = [];
    /** The import read by the worker function, by binding or, without one, by module and name. */
    const reads = (id: t.Identifier, imp: Binding, there: ReturnType<typeof importTarget>): boolean =>
      there ? uses.bindings.has(there.there) : uses.keys.has(unboundKey(ctx, id, imp) ?? "");
    for (const [name, w] of globalWrites(ctx, uses.globals))
      if (w.by || topCounts)
        changes.push(
          `the global \`${name}\`, which ${w.by ?? "this module's top-level code"} replaces at ${w.loc} (\`${w.text}\`); a worker's own globalThis keeps the original`,
        );
    if (uses.bindings.size || uses.keys.size) {
      // A closed function writes an import through its name: the names of those the function
      // reads are watched (lazy.ts `exactOnClosed`), and module objects (`ns.config`), whose
      // members are told apart only where they are used.
      for (const imp of ctx.scopes.program.bindings.values()) {
        if (!isImportBinding(ctx, imp)) continue;
        const local =
          imp.node.type === "ImportSpecifier" || imp.node.type === "ImportDefaultSpecifier"
            ? imp.node.local
            : undefined;
        const there = local ? importTarget(ctx, local, imp) : undefined;
        if (!local || reads(local, imp, there)) ctx.tree.watched.add(imp.name);
      }
      const seen = new Set<Binding | string>();
      forEachWrite(
        ctx,
        ctx.program as Node,
        ({ node, target: written }) => {
          const root = stateRoot(ctx, written, "skip");
          if (!root || !isImportBinding(ctx, root.b)) return;
          const there = importTarget(ctx, root.id, root.b);
          const key = there ? there.there : unboundKey(ctx, root.id, root.b);
          if (key === undefined || seen.has(key) || !reads(root.id, root.b, there)) return;
          const inside = ctx.tree.functionParent(node);
          if (!inside && !topCounts) return;
          seen.add(key);
          const text = sourceOf(ctx, node).replace(/\s+/g, " ");
          const from = there?.from ?? shownImport(ctx, root.id, root.b);
          changes.push(
            `${from}, which ${inside ? "a function of this module" : "this module's top-level code"} changes at ${locOf(ctx, node)} (\`${text.length > 48 ? `${text.slice(0, 45)}...` : text}\`)`,
          );
        },
        true,
      );
    }
    if (changes.length)
      warn(
        ctx,
        "SA302",
        call,
        MSG.callerState(callText(ctx, call), fact.name, importSource(ctx, b) ?? fact.from, where, changes),
      );
  }
}

/**
 * An import no binding of its module stands for — a default export of an expression (`export
 * default { rate: 1 }`, `export default new Registry()`: attack 15, F25) or a JSON module
 * (`import config from "./config.json"`, `require("./config.json")`: F18) — keyed by the file it
 * resolves to and the name imported (`default`, or the member of a required object), the same
 * from the calling module and from the worker function's.
 */
function unboundKey(ctx: Ctx, ref: t.Identifier, b: Binding): string | undefined {
  const r = ctx.filename ? importedFrom(ctx, ref, b) : undefined;
  if (!r) return undefined;
  let path: string | undefined;
  try {
    const to = resolveImport(r.source, ctx.filename!);
    path = to?.kind === "file" ? to.path : undefined;
  } catch {
    path = undefined;
  }
  return path === undefined ? undefined : `${path}\0${r.name}`;
}

function shownImport(ctx: Ctx, ref: t.Identifier, b: Binding): string {
  const r = importedFrom(ctx, ref, b);
  return r ? `\`${r.shown}\` imported from \`${r.source}\`` : `\`${ref.name}\``;
}

/** The specifier an import binding names (`./worker.js`). */
function importSource(ctx: Ctx, b: Binding): string | undefined {
  const decl = ctx.tree.parent(b.node);
  if (decl?.type === "ImportDeclaration") return decl.source.value;
  const init = b.node.type === "VariableDeclarator" && b.node.init ? strip(b.node.init) : undefined;
  let cur = init;
  while (cur && (cur.type === "MemberExpression" || cur.type === "OptionalMemberExpression"))
    cur = strip(cur.object);
  if (cur?.type === "CallExpression" && cur.arguments[0]?.type === "StringLiteral")
    return cur.arguments[0].value;
  return undefined;
}

/**
 * What a function of another module reads that a caller may change: built-in globals it uses
 * free (`fetch`, `globalThis.fetch`), and bindings — its module's own, and those it imports,
 * as the bindings of the modules that declare them — through the functions of its module it
 * calls (static methods and object methods included).
 */
function usesOf(
  other: Ctx,
  start: t.Function,
): { globals: Set<string>; bindings: Set<Binding>; keys: Set<string> } {
  const globals = new Set<string>();
  const bindings = new Set<Binding>();
  const keys = new Set<string>();
  const top = other.scopes.program;
  const seen = new Set<t.Function>([start]);
  const queue: t.Function[] = [start];
  for (let i = 0; i < queue.length && i < 64; i++) {
    other.tree.walk(queue[i]!.body as Node, (n) => {
      if (n.type === "MemberExpression" && !n.computed) {
        const o = strip(n.object);
        const name = memberName(n);
        if (o.type === "Identifier" && GLOBAL_OBJECTS.has(o.name) && !other.scopes.binding(o, o.name) && name)
          globals.add(name);
        return undefined;
      }
      if (n.type !== "Identifier" || !isReference(n, other.tree)) return undefined;
      const b = other.scopes.binding(n, n.name);
      if (!b) {
        if (isKnownGlobal(n.name)) globals.add(n.name);
        return undefined;
      }
      if (b.scope !== top) return undefined;
      if (isImportBinding(other, b)) {
        const target = importTarget(other, n, b);
        if (target) bindings.add(target.there);
        else {
          const key = unboundKey(other, n, b);
          if (key !== undefined) keys.add(key);
        }
        return undefined;
      }
      bindings.add(b);
      const next = functionReached(other, n, b);
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
      return undefined;
    });
  }
  return { globals, bindings, keys };
}
