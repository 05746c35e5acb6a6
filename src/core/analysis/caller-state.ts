import type { types as t } from "@babel/core";
import { MSG } from "../messages.js";
import { resolveImport } from "../resolve.js";
import { type CallEdit, type Index, resolveCallee } from "./calls.js";
import {
  functionLabel,
  functionReached,
  GLOBAL_OBJECTS,
  globalWrites,
  importedFrom,
  importTarget,
  isImportBinding,
  isKnownGlobal,
  replacedGlobal,
  stateRoot,
} from "./checks.js";
import { type Ctx, callText, locOf, sourceOf, warn } from "./ctx.js";
import { calledFunction, handleOf } from "./same-everywhere.js";
import { type Binding, isReference } from "./scope.js";
import { isReader } from "./sync-table.js";
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
        changes.push(replacedGlobal(name, "", w, w.by ?? "this module's top-level code"));
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
    const handles = handleCallsHere(ctx, uses.bindings, topCounts);
    if (handles.length)
      warn(
        ctx,
        "SA316",
        call,
        MSG.callerHandle(callText(ctx, call), fact.name, importSource(ctx, b) ?? fact.from, where, handles),
      );
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
 * SA316 at a call of another module's worker or offloaded function (attack23 F5): this module
 * calls a method of an object a package made in the worker function's module, imported from
 * there (`export const db = new Database(…)`, then `db.exec(…)` here), or calls what a method of
 * it made at import (`export const ins = db.prepare(…)`, then `ins.run(k)` here), and the worker
 * function reads that object (or a part of it). The worker's import of that module opens its own:
 * in memory, it never gets the change. The rule for what is a handle, a part, a reader and a call
 * is same-everywhere.ts's (`handleOf`, `calledFunction`); the calls counted are this module's —
 * in its functions, and at its top level unless the worker's module imports this one.
 */
function handleCallsHere(ctx: Ctx, read: ReadonlyMap<Binding, Ctx>, topCounts: boolean): string[] {
  // The handles the worker function reads, directly or through a part of one, in its module or
  // one it imports from (`import { db } from "./db.js"`).
  const handlesRead = new Set<Binding>();
  for (const [u, owner] of read) {
    const h = handleOf(owner, u);
    if (h) handlesRead.add(h.h);
  }
  if (handlesRead.size === 0) return [];
  const imported = new Map<Binding, { h: Binding; part: boolean; ctx: Ctx; from: string } | undefined>();
  const ofImport = (id: t.Identifier, b: Binding) => {
    if (imported.has(b)) return imported.get(b);
    const there = importTarget(ctx, id, b);
    const h = there ? handleOf(there.other, there.there) : undefined;
    const out = there && h && handlesRead.has(h.h) ? { ...h, ctx: there.other, from: there.from } : undefined;
    imported.set(b, out);
    return out;
  };
  // A closed function calls a method of an import through its name: watched, as for writes above.
  for (const imp of ctx.scopes.program.bindings.values()) {
    if (!isImportBinding(ctx, imp)) continue;
    const local =
      imp.node.type === "ImportSpecifier" || imp.node.type === "ImportDefaultSpecifier"
        ? imp.node.local
        : undefined;
    if (local && ofImport(local, imp)) ctx.tree.watched.add(imp.name);
  }
  const out: string[] = [];
  const seen = new Set<Binding>();
  ctx.tree.walk(
    ctx.program as Node,
    (n) => {
      if (n.type !== "CallExpression" && n.type !== "OptionalCallExpression") return undefined;
      const callee = calledFunction(ctx, n);
      const member = callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression";
      let root = member ? strip((callee as t.MemberExpression).object) : callee;
      while (root.type === "MemberExpression" || root.type === "OptionalMemberExpression")
        root = strip(root.object);
      if (root.type !== "Identifier") return undefined;
      const b = ctx.scopes.binding(root, root.name);
      if (!b || b.scope !== ctx.scopes.program || !isImportBinding(ctx, b) || seen.has(b)) return undefined;
      const h = ofImport(root, b);
      if (!h) return undefined;
      // On the handle itself a known reader gives data (`db.get(…)`); on a part no method does
      // (a statement's `get` may run `INSERT … RETURNING`).
      const name = member ? memberName(callee) : undefined;
      if (!h.part && name !== undefined && isReader(name)) return undefined;
      const inside = ctx.tree.functionParent(n);
      if (!inside && !topCounts) return undefined;
      seen.add(b);
      const text = sourceOf(ctx, n).replace(/\s+/g, " ");
      const init = (h.h.node as t.VariableDeclarator).init as Node;
      const made = sourceOf(h.ctx, init).replace(/\s+/g, " ");
      out.push(
        `${h.from}${h.part ? `, part of \`${h.h.name}\`` : ""}, which \`${made.length > 48 ? `${made.slice(0, 45)}...` : made}\` made there, on which ${inside ? outermost(ctx, inside) : "this module's top-level code"} calls \`${text.length > 48 ? `${text.slice(0, 45)}...` : text}\` at ${locOf(ctx, n)}`,
      );
      return undefined;
    },
    true,
  );
  return out;
}

/** The outermost function holding `fn`, as its callers know it (`add()`, not its callback). */
function outermost(ctx: Ctx, fn: Node): string {
  let outer = fn;
  for (let f = ctx.tree.functionParent(outer); f; f = ctx.tree.functionParent(f as Node)) outer = f as Node;
  return functionLabel(ctx, outer);
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
    const to = resolveImport(r.source, ctx.filename!, "import", ctx.options.resolve);
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
): { globals: Set<string>; bindings: Map<Binding, Ctx>; keys: Set<string> } {
  const globals = new Set<string>();
  /** Each binding read, with the module it is of. */
  const bindings = new Map<Binding, Ctx>();
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
        if (target) bindings.set(target.there, target.other);
        else {
          const key = unboundKey(other, n, b);
          if (key !== undefined) keys.add(key);
        }
        return undefined;
      }
      bindings.set(b, other);
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
