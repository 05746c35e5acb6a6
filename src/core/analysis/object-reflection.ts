import type { types as t } from "@babel/core";
import { MSG } from "../messages.js";
import type { ListedHolder } from "../module-facts.js";
import { type Ctx, sourceOf, warn } from "./ctx.js";
import type { ImportedFns } from "./imported.js";
import type { SaFunction } from "./model.js";
import type { Node } from "./tree.js";
import { globalPath, memberName, strip } from "./view.js";

/**
 * The reflections that list an object's own properties whether or not they are enumerable. A
 * generated variant is a real property: an object literal's is not enumerable and a class's
 * methods never are, so `Object.keys`, `for…in`, `Object.entries`, a spread do not see them
 * (literal-variants.ts), but these do.
 */
const OWN_NAMES = new Set([
  "Object.getOwnPropertyNames",
  "Object.getOwnPropertyDescriptors",
  "Reflect.ownKeys",
]);

/** The calls that give an object's prototype (`Object.getPrototypeOf(new Store())`). */
const PROTOTYPE_OF = new Set(["Object.getPrototypeOf", "Reflect.getPrototypeOf"]);

/** Which properties of a holder are meant: an object literal's, a class's statics, its prototype's. */
type Side = "own" | "static" | "prototype";

/**
 * How many names, wrappers and prototype steps deep an argument is followed to its objects:
 * `let p = new Sub(); p = Object.getPrototypeOf(p)` reaches a class's grand-superclass's
 * prototype in 10.
 */
const MAX_DEPTH = 12;

/**
 * SA213 (attack29 F08; fixtures diagnostics/sa213-object-reflection,
 * diagnostics/sa213-plain-object-reflection, diagnostics/sa213-imported-reflection,
 * diagnostics/sa213-required-reflection, diagnostics/sa213-prototype-chain):
 * `Object.getOwnPropertyNames`, `Object.getOwnPropertyDescriptors` and `Reflect.ownKeys` list
 * non-enumerable properties, so a router that registers every method of a controller by them (`Object.getOwnPropertyNames(
 * Store.prototype)`, the usual way to list a class's methods) registers the generated
 * `getSync` too, which the source's object does not hold. A variant cannot be hidden from them,
 * so the rule is prove or warn: warned at the reflection whose argument the build follows to an
 * object holding an annotated method — an object literal, a class (its `static` methods),
 * `C.prototype`, `Object.getPrototypeOf(new C())`, the prototype of a class's prototype (its
 * superclass's) — of the file or imported (its module's facts, `ModuleFacts.listed`), through
 * `const` names and `let`/`var` names by every value written to them (the walk up a prototype
 * chain, `p = Object.getPrototypeOf(p)`). An instance's own properties (`new C()`) hold no
 * method, and an argument the build cannot follow (a parameter) is not warned: a plain object's
 * listing is what it is uncompiled. A variant the source declares beside its method (`load` and
 * `loadSync` written together, or a second pass's output) is not generated.
 */
export function reflectedVariants(ctx: Ctx, fns: readonly SaFunction[], imported?: ImportedFns): void {
  // Read the text first: most files never list an object's own names.
  if (!/getOwnProperty(?:Names|Descriptors)|ownKeys/.test(ctx.code)) return;
  const held = heldMethods(fns);
  // An importer's objects are looked up only where an argument names one (`listedHolder`).
  if (held.size === 0 && !imported) return;
  const listed = (n: Node) => imported?.listedHolder(n);
  const { tree, scopes } = ctx;
  tree.walk(
    tree.program,
    (n) => {
      if (n.type !== "CallExpression" && n.type !== "OptionalCallExpression") return undefined;
      const how = globalPath(scopes, n.callee as Node);
      const arg = n.arguments[0] as Node | undefined;
      if (how === undefined || !OWN_NAMES.has(how) || !arg || arg.type === "SpreadElement") return undefined;
      // One warning per listing: the first object it may be that gets generated variants.
      for (const target of objectsOf({ ctx, listed }, arg, 0)) {
        const generated = generatedOn(held, target);
        if (generated.length === 0) continue;
        warn(ctx, "SA213", n, MSG.objectReflection(short(ctx, n), short(ctx, arg), generated, target.side));
        break;
      }
      return undefined;
    },
    true,
  );
}

/** The annotated methods of the file by the object literal or class that holds them. */
function heldMethods(fns: readonly SaFunction[]): Map<Node, SaFunction[]> {
  const held = new Map<Node, SaFunction[]>();
  for (const fn of fns) {
    if ((fn.form !== "object-method" && fn.form !== "class-method") || !fn.holder) continue;
    const list = held.get(fn.holder) ?? [];
    list.push(fn);
    held.set(fn.holder, list);
  }
  return held;
}

/** The variants the build adds to the object a target is, on its side. */
function generatedOn(held: Map<Node, SaFunction[]>, target: Target): string[] {
  if ("listed" in target) return target.side === "prototype" ? target.listed.prototype : target.listed.own;
  const fnsOf = held.get(target.holder) ?? [];
  return fnsOf
    .filter((fn) =>
      target.side === "own" ? true : fn.isStatic === (target.side === "static") && fn.form === "class-method",
    )
    .map((fn) => fn.variant)
    .filter((v) => !declares(target.holder, v, target.side));
}

/**
 * The object literals and classes of the file holding annotated methods that it exports, each
 * with the variants the build adds to it: its module's facts carry them (`ModuleFacts.listed`),
 * so an importer's listing of them is SA213 as the file's own is (fixture
 * diagnostics/sa213-imported-reflection).
 */
export function exportedListed(
  ctx: Ctx,
  fns: readonly SaFunction[],
  exportedAs: (local: string) => string[],
): Map<string, ListedHolder> {
  const out = new Map<string, ListedHolder>();
  const held = heldMethods(fns);
  for (const holder of held.keys()) {
    const isClass = holder.type === "ClassDeclaration" || holder.type === "ClassExpression";
    const own = generatedOn(held, { holder, side: isClass ? "static" : "own" });
    const prototype = isClass ? generatedOn(held, { holder, side: "prototype" }) : [];
    if (own.length === 0 && prototype.length === 0) continue;
    const names: string[] = [];
    let local: string | undefined;
    let stmt = ctx.tree.parent(holder);
    if (holder.type === "ClassDeclaration") {
      local = (holder as t.ClassDeclaration).id?.name;
      stmt = holder;
    } else if (stmt?.type === "VariableDeclarator" && stmt.id.type === "Identifier" && stmt.init === holder) {
      local = stmt.id.name;
      stmt = ctx.tree.parent(stmt);
    }
    const decl = stmt && ctx.tree.parent(stmt);
    if (decl?.type === "ExportDefaultDeclaration") names.push("default");
    else if (decl?.type === "ExportNamedDeclaration" && local !== undefined) names.push(local);
    if (local !== undefined) names.push(...exportedAs(local));
    for (const name of names)
      out.set(name, {
        name: local ?? name,
        ...(isClass ? { class: true as const } : {}),
        own,
        prototype,
        from: ctx.fileName,
      });
  }
  return out;
}

/** What the walk needs: the file, and the imported objects holding annotated methods. */
interface Walk {
  ctx: Ctx;
  listed: (n: Node) => ListedHolder | undefined;
}

/** An object a listing may be given: one of the file (`holder`) or imported (`listed`). */
type Target = { side: Side } & ({ holder: Node } | { listed: ListedHolder });
/** A class of the file, or an imported one. */
type ClassOf = { holder: Node } | { listed: ListedHolder };

/**
 * The objects `n` may evaluate to, as far as the build follows it: an object literal or a class
 * (its statics), `C.prototype`, the prototype of `new C()`, of `C.prototype` (the superclass's)
 * and of `C` (the superclass), of the file or imported; none for anything else.
 */
function objectsOf(w: Walk, n: Node, depth: number): Target[] {
  if (depth > MAX_DEPTH) return [];
  const v = strip(n);
  if (v.type === "ObjectExpression") return [{ holder: v, side: "own" }];
  if (v.type === "ClassExpression" || v.type === "ClassDeclaration") return [{ holder: v, side: "static" }];
  const imported = w.listed(v);
  if (imported) return [{ listed: imported, side: imported.class ? "static" : "own" }];
  if (v.type === "Identifier")
    return valuesOf(w.ctx, v as t.Identifier).flatMap((x) => objectsOf(w, x, depth + 1));
  if (
    (v.type === "MemberExpression" || v.type === "OptionalMemberExpression") &&
    memberName(v) === "prototype"
  )
    return objectsOf(w, v.object as Node, depth + 1)
      .filter((c) => c.side === "static" && ("holder" in c || c.listed.class))
      .map((c) => ({ ...c, side: "prototype" as const }));
  if (v.type === "CallExpression" && PROTOTYPE_OF.has(globalPath(w.ctx.scopes, v.callee as Node) ?? "")) {
    const arg = v.arguments[0] as Node | undefined;
    if (!arg) return [];
    const made: Target[] = instancesOf(w, arg, depth + 1).map((c) => ({ ...c, side: "prototype" }));
    // `Object.getPrototypeOf(Sub.prototype)` is `Base.prototype`, of `Sub` it is `Base`: the
    // superclass of a class of the file (an imported class's is not in its facts).
    for (const o of objectsOf(w, arg, depth + 1)) {
      if (!("holder" in o) || o.side === "own") continue;
      const sup = (o.holder as t.Class).superClass as Node | null | undefined;
      if (!sup) continue;
      for (const s of objectsOf(w, sup, depth + 1))
        if (s.side === "static") made.push(o.side === "prototype" ? { ...s, side: "prototype" } : s);
    }
    return made;
  }
  return [];
}

/** The classes `n` may be an instance of (`new C()`, a name bound to one), of the file or imported. */
function instancesOf(w: Walk, n: Node, depth: number): ClassOf[] {
  if (depth > MAX_DEPTH) return [];
  const v = strip(n);
  if (v.type === "NewExpression")
    return objectsOf(w, v.callee as Node, depth + 1)
      .filter((c) => c.side === "static" && ("holder" in c || c.listed.class))
      .map((c) => ("holder" in c ? { holder: c.holder } : { listed: c.listed }));
  if (v.type !== "Identifier") return [];
  return valuesOf(w.ctx, v as t.Identifier).flatMap((x) => instancesOf(w, x, depth + 1));
}

/**
 * What a name may hold, where the build knows it: the class a class declaration binds, the value
 * of a `const`, every value written to a `let`/`var` (its declaration's and its assignments',
 * `p = Object.getPrototypeOf(p)` walking a prototype chain: fixture
 * diagnostics/sa213-prototype-chain). A write of another form (`p++`, `({ p } = o)`) holds
 * what the build does not know, and gives nothing, as a parameter does.
 */
function valuesOf(ctx: Ctx, id: t.Identifier): Node[] {
  const b = ctx.scopes.binding(id as Node, id.name);
  if (!b) return [];
  if (b.node.type === "ClassDeclaration") return [b.node];
  if (b.node.type !== "VariableDeclarator") return [];
  const d = b.node as t.VariableDeclarator;
  if (d.id.type !== "Identifier") return [];
  const out: Node[] = d.init ? [d.init as Node] : [];
  if (b.kind === "const") return out;
  // A `let` written later may hold another object when it is listed: each value is followed.
  ctx.tree.watchedWrites.add(b.name);
  for (const x of b.violations)
    if (x.type === "AssignmentExpression" && x.operator === "=" && (x.left as Node).type === "Identifier")
      out.push(x.right as Node);
  return out;
}

/** Whether the source itself gives the holder a member `name` on that side (a hand-written pair). */
function declares(holder: Node, name: string, side: Side): boolean {
  const members: Node[] =
    holder.type === "ObjectExpression"
      ? (holder.properties as Node[])
      : ((holder as t.Class).body.body as Node[]).filter(
          (m) => "static" in m && Boolean((m as { static?: boolean }).static) === (side === "static"),
        );
  return members.some((m) => {
    if (m.type === "SpreadElement" || m.type === "StaticBlock") return false;
    const key = (m as { key?: Node; computed?: boolean }).key;
    if (!key || (m as { computed?: boolean }).computed) return false;
    return (
      (key.type === "Identifier" && key.name === name) || (key.type === "StringLiteral" && key.value === name)
    );
  });
}

/** Code as a message quotes it: on one line, at most 60 characters. */
function short(ctx: Ctx, n: Node): string {
  const text = sourceOf(ctx, n).replace(/\s+/g, " ");
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
