import type { types as t } from "@babel/core";
import type { ExportFact, ModuleFacts } from "../module-facts.js";
import type { Ctx } from "./ctx.js";
import { exportFactOf } from "./export-fact.js";
import type { SaFunction } from "./model.js";
import { type Binding, dottedPath, namespaceBlocks } from "./scope.js";
import type { Node } from "./tree.js";
import { strip as peel } from "./view.js";

/**
 * What a file's TypeScript namespaces give importers (attack 15, F11 across modules).
 *
 * A function annotated inside `export namespace Api { export async function load … }` is not a
 * module export named `load`: importers reach it as `Api.load()`, a member of the namespace
 * object, whose `loadSync` member the compiled namespace holds beside it. So an exported
 * namespace is listed like `export * as Api` (a namespace of facts), and so is a TypeScript
 * alias of it (`export import Inner = Api`). An alias of the function itself (`export import
 * load = Api.load`) exports the function without its variant: importers' calls are reported.
 */
export interface TsNamespaceExports {
  /** Exported namespace name (or alias of one) → the facts of its members. */
  namespaces: Map<string, ModuleFacts>;
  /** `export import load = Api.load`: exported name → a fact saying why it is not followed. */
  aliases: Map<string, ExportFact>;
  /** Statements inside namespace bodies: their functions are not module exports by name. */
  inside: Set<Node>;
  /**
   * `export = Tools` of a namespace of this file: the module object is the namespace, so its
   * members are the module's exports (`import T = require(…)`; `T.fetchIt()`: attack29 F07).
   */
  exportEquals?: ModuleFacts;
}

/**
 * Why a call of namespace member `member` (`export const get = load`) of the namespace at
 * `namespace` (`Api`, `A.B`) is not followed: the namespace holds `fn` under that name with no
 * variant beside it. One wording for calls in the file (calls.ts) and importers' (the facts
 * below).
 */
export function heldMemberWhy(namespace: string, member: string, fn: string, where: string): string {
  return `the namespace member \`${namespace}.${member}\` holds \`${fn}\` (${where}) without a variant beside it; call \`${fn}\` by its own name, or declare the member as the function (\`export async function ${member}\`), which is followed`;
}

/**
 * Whether a namespace member declared by `d` (of declaration `decl`) is the function its value
 * names, as surely as the function's own name: `export const get = load` (also `load as T`, and
 * another namespace's member, `export const get = Api.get`, followed to what that holds). A
 * `const` is never reassigned, and the marker travels with the function, so a call `Api.get()`
 * dispatches through it (`callSyncOf(_obj = Api, _obj.get, "get", …)`), in the file and in
 * importers, and a replaced member is called as it is. A value chosen at run time (`c ? load :
 * other`), one taken out of an object (`export const { load: got } = obj`) or a `let` stays
 * reported (SA206): which function the member holds then is not proven.
 */
export function holdsItself(decl: Node, d: Node): boolean {
  if (decl.type !== "VariableDeclaration" || decl.kind !== "const") return false;
  if (d.type !== "VariableDeclarator" || d.id.type !== "Identifier" || !d.init) return false;
  // A name, or a member of a namespace or module object by its path (`Api.get`, `A.B.deep`):
  // read once, when the namespace is made, so the member is the function read then.
  return dottedPath(peel(d.init as Node)) !== undefined;
}

export { dottedPath, namespaceBlocks };

/** A namespace's facts: a TypeScript namespace is an object any module may write (`tsNamespace`). */
function emptyFacts(): ModuleFacts {
  return { exports: new Map(), methods: new Map(), tsNamespace: true };
}

/**
 * `withStrategies`: whether the facts carry each function's strategy (the importer's first
 * phase reads shapes only, before any body is analysed).
 */
export function tsNamespaceExports(ctx: Ctx, fns: SaFunction[], withStrategies = true): TsNamespaceExports {
  const inside = new Set<Node>();
  const byStmt = new Map<Node, SaFunction>();
  for (const fn of fns)
    if (fn.stmt && fn.form !== "class-method" && fn.form !== "object-method") byStmt.set(fn.stmt, fn);
  // Every top-level namespace, exported or not: an exported alias may name a local one.
  const all = new Map<string, ModuleFacts>();
  const exported = new Set<string>();

  const factOf = (fn: SaFunction, replacedAt?: Node): ExportFact =>
    exportFactOf(
      fn,
      ctx.fileName,
      withStrategies,
      replacedAt
        ? {
            unfollowed: `its namespace member is replaced at line ${replacedAt.loc?.start.line ?? 0} of ${ctx.fileName}, so the variant beside it may belong to another function; call it in that file, or stop replacing it`,
          }
        : {},
    );

  /**
   * The smartasync function a value names: an annotated function of this file, or an imported
   * one; either branch of `c ? f : g`, `f || g`. Unknown is undefined (then nothing is said).
   */
  const valueFact = (value: Node | null | undefined, depth = 0): ExportFact | undefined => {
    if (!value || depth > 4) return undefined;
    const v = peel(value);
    if (v.type === "ConditionalExpression")
      return valueFact(v.consequent as Node, depth + 1) ?? valueFact(v.alternate as Node, depth + 1);
    if (v.type === "LogicalExpression")
      return valueFact(v.left as Node, depth + 1) ?? valueFact(v.right as Node, depth + 1);
    // A member of a namespace of this file declared above (`Api.get`, `A.B.deep`; a held member
    // too, `L.get` of `export const get = Api.get`): its fact as found so far.
    const path = v.type === "Identifier" ? undefined : dottedPath(v);
    const local = path && ctx.scopes.binding(v, path[0]!)?.scope === ctx.scopes.scopeOf(ctx.program as Node);
    const member = local ? memberFact(path) : undefined;
    if (member) return member;
    if (v.type === "Identifier") {
      const b = ctx.scopes.binding(v, v.name);
      if (!b) return undefined;
      const decl = b.node.type === "VariableDeclarator" ? ctx.tree.parent(b.node) : undefined;
      const own = fns.find(
        (f) =>
          (f.form === "function" || f.form === "const") &&
          f.name === v.name &&
          (f.fn === b.node || (decl !== undefined && (f.stmt === decl || f.stmt === ctx.tree.parent(decl)))),
      );
      if (own) return factOf(own);
    }
    const r = ctx.imported?.resolve(v);
    return r && !r.explicit ? r.fact : undefined;
  };
  /**
   * `export const get = load` (or `= fetchIt` imported, `= c ? load : other`, `export const {
   * load: get } = obj`) in a namespace: the member holds a smartasync function without a variant
   * beside it, so importers' calls (`Api.get(…)`) are reported where they want the value (issue 13).
   */
  const heldMembers = (d: Node, at: string[]): Map<string, ExportFact> => {
    const out = new Map<string, ExportFact>();
    for (const dec of (d as t.VariableDeclaration).declarations) {
      const init = dec.init as Node | null;
      const found: [string, ExportFact | undefined][] = [];
      const itself = holdsItself(d, dec as Node);
      if (dec.id.type === "Identifier") found.push([dec.id.name, valueFact(init)]);
      else if (dec.id.type === "ObjectPattern" && init)
        for (const p of dec.id.properties) {
          if (p.type !== "ObjectProperty" || p.computed || p.key.type !== "Identifier") continue;
          const target = (p.value.type === "AssignmentPattern" ? p.value.left : p.value) as Node;
          if (target.type !== "Identifier") continue;
          found.push([target.name, valueFact(memberOf(init, p.key.name))]);
        }
      for (const [name, fact] of found)
        if (fact) {
          // Not followed, so no strategy: the fact of an imported function carries one in the
          // file's own compile and none in the graph's shape read (test/core/facts-one-rule).
          const {
            syncStrategy: _s,
            asyncStrategy: _a,
            blocksOnWorker: _b,
            params: _p,
            quiet: _q,
            ...shape
          } = fact;
          out.set(
            name,
            itself
              ? { ...shape, held: true }
              : {
                  ...shape,
                  unfollowed: heldMemberWhy(
                    at.join("."),
                    name,
                    fact.name,
                    `line ${dec.loc?.start.line ?? 0} of ${ctx.fileName}`,
                  ),
                },
          );
        }
    }
    return out;
  };
  /** The value `obj.key` reads: a property of an object literal `obj` names, else the member itself. */
  const memberOf = (obj: Node, key: string): Node | undefined => {
    let o = peel(obj);
    if (o.type === "Identifier") {
      const b = ctx.scopes.binding(o, o.name);
      const init =
        b?.kind === "const" && b.node.type === "VariableDeclarator" ? (b.node.init as Node | null) : null;
      if (init && peel(init).type === "ObjectExpression") o = peel(init);
    }
    if (o.type === "ObjectExpression") {
      for (const p of o.properties)
        if (p.type === "ObjectProperty" && !p.computed && p.key.type === "Identifier" && p.key.name === key)
          return p.value as Node;
      return undefined;
    }
    // `const { load: get } = ns` of an imported module object: what `ns.load` would call. The
    // member is made for the question only; its object is the real node, which the lookup reads.
    return {
      type: "MemberExpression",
      object: o,
      property: { type: "Identifier", name: key },
      computed: false,
    } as unknown as Node;
  };

  const pending: { into: ModuleFacts; alias: string; path: string[] }[] = [];
  /** The fact of the function an entity path names: a top-level function or a namespace member. */
  const memberFact = (path: string[]): ExportFact | undefined => {
    if (path.length === 1) {
      const fn = fns.find(
        (f) =>
          (f.form === "function" || f.form === "const") &&
          f.name === path[0] &&
          f.stmt &&
          !inside.has(f.stmt),
      );
      return fn ? factOf(fn) : undefined;
    }
    let at = all.get(path[0]!);
    for (const seg of path.slice(1, -1)) at = at?.namespaces?.get(seg);
    return at?.exports.get(path[path.length - 1]!);
  };

  /** Fills `into` with the members of one namespace body; `at` is its path (`["A", "B"]`). */
  const block = (body: Node | null | undefined, into: ModuleFacts, at: string[]): void => {
    if (!body) return;
    if (body.type === "TSModuleDeclaration") {
      // Babel 7 nests `namespace A.B {}` as A { B {} }.
      const name = (body.id as t.Identifier).name;
      const inner = into.namespaces?.get(name) ?? emptyFacts();
      into.namespaces = new Map([...(into.namespaces ?? []), [name, inner]]);
      block(body.body as Node, inner, [...at, name]);
      return;
    }
    if (body.type !== "TSModuleBlock") return;
    const topBinding = ctx.scopes.scopeOf(ctx.program as Node).bindings.get(at[0]!);
    for (const st of body.body as Node[]) {
      inside.add(st);
      if (st.type === "TSModuleDeclaration") {
        // A namespace that is not exported is not a member: only mark its statements.
        block(st.body as Node, emptyFacts(), at);
        continue;
      }
      // `export import f = load` inside the namespace (Babel 7 flags it, Babel 8 wraps it).
      const eq = st.type === "ExportNamedDeclaration" ? (st.declaration as Node | null) : st;
      if (
        eq?.type === "TSImportEqualsDeclaration" &&
        (eq !== st || (eq as { isExport?: boolean }).isExport) &&
        eq.moduleReference.type !== "TSExternalModuleReference"
      ) {
        const path = dottedPath(eq.moduleReference as Node);
        if (path) pending.push({ into, alias: eq.id.name, path });
        continue;
      }
      if (st.type !== "ExportNamedDeclaration" || !st.declaration) continue;
      const d = st.declaration as Node;
      if (d.type === "TSModuleDeclaration") {
        const path = dottedPath(d.id as Node) ?? [];
        let inner = into;
        for (const name of path) {
          const next = inner.namespaces?.get(name) ?? emptyFacts();
          inner.namespaces = new Map([...(inner.namespaces ?? []), [name, next]]);
          inner = next;
        }
        block(d.body as Node, inner, [...at, ...path]);
        continue;
      }
      const fn = byStmt.get(st);
      if (!fn) {
        if (d.type === "VariableDeclaration")
          for (const [name, fact] of heldMembers(d, at)) into.exports.set(name, fact);
        continue;
      }
      // A member the file replaces (`(Api as any).load = …`, `(A.B as any).load = …`): importers
      // are told the variant beside it may belong to another function.
      const replaced = topBinding
        ? ctx.imported?.memberWrittenAt(topBinding, fn.name, at.slice(1))
        : undefined;
      into.exports.set(fn.name, factOf(fn, replaced));
    }
  };

  for (const s of ctx.program.body as Node[]) {
    const isExport = s.type === "ExportNamedDeclaration";
    const d = isExport ? ((s as t.ExportNamedDeclaration).declaration as Node | null) : s;
    if (d?.type !== "TSModuleDeclaration" || d.declare) continue;
    // `namespace A.B {}` is one declaration named `A.B` in Babel 8.
    const path = dottedPath(d.id as Node);
    if (!path) continue;
    const name = path[0]!;
    let facts = all.get(name) ?? emptyFacts();
    all.set(name, facts);
    if (isExport) exported.add(name);
    for (const seg of path.slice(1)) {
      const next = facts.namespaces?.get(seg) ?? emptyFacts();
      facts.namespaces = new Map([...(facts.namespaces ?? []), [seg, next]]);
      facts = next;
    }
    block(d.body as Node, facts, path);
  }
  // Aliases made inside namespaces name functions and namespaces found above.
  for (const p of pending) {
    const fact = memberFact(p.path);
    if (fact)
      p.into.exports.set(p.alias, {
        ...fact,
        unfollowed: `\`${p.alias}\` is a TypeScript alias (\`export import ${p.alias} = ${p.path.join(".")}\`) of a smartasync function, made inside a namespace without its variant; call the function by its own name, which is followed`,
      });
  }

  const namespaces = new Map<string, ModuleFacts>();
  for (const name of exported) {
    const f = all.get(name)!;
    if (hasAny(f)) namespaces.set(name, f);
  }
  const aliases = new Map<string, ExportFact>();
  for (const st of ctx.program.body as Node[]) {
    // `export import Inner = Api`, `export import D = Api.Deep`, `export import load = Api.load`:
    // Babel 8 (and the SWC lowering) wrap it in an export declaration, Babel 7 flags it.
    const s = st.type === "ExportNamedDeclaration" ? (st.declaration as Node | null) : st;
    if (s?.type !== "TSImportEqualsDeclaration") continue;
    if (s === st && !(s as { isExport?: boolean }).isExport) continue;
    if (s.moduleReference.type === "TSExternalModuleReference") continue;
    const path = dottedPath(s.moduleReference as Node);
    if (!path) continue;
    let at = all.get(path[0]!);
    for (const seg of path.slice(1, -1)) at = at?.namespaces?.get(seg);
    const alias = s.id.name;
    const last = path[path.length - 1]!;
    const ns = path.length === 1 ? at : at?.namespaces?.get(last);
    if (ns && hasAny(ns)) {
      namespaces.set(alias, ns);
      continue;
    }
    const fact = memberFact(path);
    if (fact)
      aliases.set(alias, {
        ...fact,
        unfollowed:
          path.length > 1
            ? `\`${alias}\` is exported as a TypeScript alias of a namespace member (\`export import ${alias} = ${path.join(".")}\`), without its variant; import the namespace and call \`${path.join(".")}(…)\`, which is followed`
            : `\`${alias}\` is exported as a TypeScript alias (\`export import ${alias} = ${last}\`), without its variant; export it with \`export { ${last} as ${alias} }\`, which carries the variant`,
      });
  }
  // `export = Tools`: TypeScript's CommonJS emit assigns the namespace object to
  // `module.exports` (fixture typescript/export-equals-namespace).
  let exportEquals: ModuleFacts | undefined;
  for (const st of ctx.program.body as Node[]) {
    if (st.type !== "TSExportAssignment" || st.expression.type !== "Identifier") continue;
    const ns = all.get(st.expression.name);
    if (ns && hasAny(ns)) exportEquals = ns;
  }
  return { namespaces, aliases, inside, ...(exportEquals ? { exportEquals } : {}) };
}

function hasAny(f: ModuleFacts): boolean {
  return f.exports.size > 0 || [...(f.namespaces?.values() ?? [])].some(hasAny);
}

/**
 * Whether a binding may be a namespace's: the namespace itself, or a function, class or enum a
 * namespace of the same name merges into (`function Merged() {}` then `namespace Merged {…}`:
 * the function's binding is the first, and `Merged.f()` reaches the namespace's members). Which
 * members it has is found in the namespace declarations beside it (`namespaceBindings`).
 */
export function mergesNamespace(b: Binding): boolean {
  const t = b.node.type;
  return (
    t === "TSModuleDeclaration" ||
    t === "FunctionDeclaration" ||
    t === "ClassDeclaration" ||
    t === "TSEnumDeclaration"
  );
}

/**
 * The entity a TypeScript `import X = A.B` names (`["A", "B"]`), for a binding declared so;
 * undefined for anything else, `import x = require(…)` included. Such an alias is a const.
 */
export function entityAlias(b: Binding): string[] | undefined {
  const d = b.node;
  if (d.type !== "TSImportEqualsDeclaration" || d.moduleReference.type === "TSExternalModuleReference")
    return undefined;
  return dottedPath(d.moduleReference as Node);
}

/** The bindings of `prop` in every declaration of the namespace at `path` (namespaces merge). */
export function* namespaceBindings(
  ctx: Ctx,
  binding: Binding,
  path: string[],
  prop: string,
): Generator<{ b: Binding; block: Node }> {
  const holder = binding.scope.node as { body?: unknown };
  const siblings = Array.isArray(holder.body)
    ? (holder.body as Node[])
    : ((holder.body as { body?: Node[] } | undefined)?.body ?? []);
  for (const st of siblings) {
    const d = st.type === "ExportNamedDeclaration" ? (st.declaration as Node | null) : st;
    if (d?.type !== "TSModuleDeclaration") continue;
    for (const block of namespaceBlocks(d, path)) {
      const b = ctx.scopes.scopeOf(block).bindings.get(prop);
      if (b) yield { b, block };
    }
  }
}

/**
 * The namespace a dotted path names where `at` reads it (or from the binding of its first name),
 * (`NS`, `A.B`), through TypeScript's
 * const aliases of it (`import Inner = A.B`): the binding of its first name and the full path.
 * One walk for calls (calls.ts) and for values a member holds (held.ts).
 */
export function namespaceAt(
  ctx: Ctx,
  at: Node | Binding,
  path: string[] | undefined,
): { binding: Binding; path: string[] } | undefined {
  let p = path;
  // A binding is where the path's first name is bound already.
  let b = "scope" in at ? at : p ? ctx.scopes.binding(at, p[0]!) : undefined;
  for (let hops = 0; p && b && hops < 8; hops++) {
    const entity = entityAlias(b);
    if (!entity) break;
    const from = b.node;
    p = [...entity, ...p.slice(1)];
    b = ctx.scopes.binding(from, entity[0]!);
  }
  return p && b && mergesNamespace(b) ? { binding: b, path: p } : undefined;
}
