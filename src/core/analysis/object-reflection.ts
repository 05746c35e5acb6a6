import type { types as t } from "@babel/core";
import { MSG } from "../messages.js";
import { type Ctx, sourceOf, warn } from "./ctx.js";
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

/** How many `const` names and wrappers deep an argument is followed to its object. */
const MAX_DEPTH = 8;

/**
 * SA213 (attack29 F08; fixtures diagnostics/sa213-object-reflection,
 * diagnostics/sa213-plain-object-reflection): `Object.getOwnPropertyNames`,
 * `Object.getOwnPropertyDescriptors` and `Reflect.ownKeys` list non-enumerable properties, so
 * a router that registers every method of a controller by them (`Object.getOwnPropertyNames(
 * Store.prototype)`, the usual way to list a class's methods) registers the generated
 * `getSync` too, which the source's object does not hold. A variant cannot be hidden from them,
 * so the rule is prove or warn: warned at the reflection whose argument the build follows to an
 * object of the file holding an annotated method — an object literal, a class (its `static`
 * methods), `C.prototype`, `Object.getPrototypeOf(new C())` — through `const` names and
 * never-written `let`/`var`. An instance's own properties hold no method (`new C()`), and an
 * argument the build cannot follow (a parameter, an imported object) is not warned: a plain
 * object's listing is what it is uncompiled. A variant the source declares beside its method
 * (`load` and `loadSync` written together, or a second pass's output) is not generated.
 */
export function reflectedVariants(ctx: Ctx, fns: readonly SaFunction[]): void {
  // Read the text first: most files never list an object's own names.
  if (!/getOwnProperty(?:Names|Descriptors)|ownKeys/.test(ctx.code)) return;
  const held = new Map<Node, SaFunction[]>();
  for (const fn of fns) {
    if ((fn.form !== "object-method" && fn.form !== "class-method") || !fn.holder) continue;
    const list = held.get(fn.holder) ?? [];
    list.push(fn);
    held.set(fn.holder, list);
  }
  if (held.size === 0) return;
  const { tree, scopes } = ctx;
  tree.walk(
    tree.program,
    (n) => {
      if (n.type !== "CallExpression" && n.type !== "OptionalCallExpression") return undefined;
      const how = globalPath(scopes, n.callee as Node);
      const arg = n.arguments[0] as Node | undefined;
      if (how === undefined || !OWN_NAMES.has(how) || !arg || arg.type === "SpreadElement") return undefined;
      const target = objectOf(ctx, arg, 0);
      const fnsOf = target && held.get(target.holder);
      if (!target || !fnsOf) return undefined;
      const generated = fnsOf
        .filter((fn) =>
          target.side === "own"
            ? true
            : fn.isStatic === (target.side === "static") && fn.form === "class-method",
        )
        .map((fn) => fn.variant)
        .filter((v) => !declares(target.holder, v, target.side));
      if (generated.length === 0) return undefined;
      warn(ctx, "SA213", n, MSG.objectReflection(short(ctx, n), short(ctx, arg), generated, target.side));
      return undefined;
    },
    true,
  );
}

/**
 * The object of the file `n` evaluates to, as far as the build follows it: an object literal or
 * a class (its statics), `C.prototype`, the prototype of `new C()`; undefined otherwise.
 */
function objectOf(ctx: Ctx, n: Node, depth: number): { holder: Node; side: Side } | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const v = strip(n);
  if (v.type === "ObjectExpression") return { holder: v, side: "own" };
  if (v.type === "ClassExpression" || v.type === "ClassDeclaration") return { holder: v, side: "static" };
  if (v.type === "Identifier") {
    const init = initOf(ctx, v as t.Identifier);
    return init ? objectOf(ctx, init, depth + 1) : undefined;
  }
  if (
    (v.type === "MemberExpression" || v.type === "OptionalMemberExpression") &&
    memberName(v) === "prototype"
  ) {
    const c = objectOf(ctx, v.object as Node, depth + 1);
    return c?.side === "static" ? { holder: c.holder, side: "prototype" } : undefined;
  }
  if (v.type === "CallExpression" && PROTOTYPE_OF.has(globalPath(ctx.scopes, v.callee as Node) ?? "")) {
    const arg = v.arguments[0] as Node | undefined;
    const made = arg && instanceOf(ctx, arg, depth + 1);
    return made ? { holder: made, side: "prototype" } : undefined;
  }
  return undefined;
}

/** The class of the file `n` is an instance of (`new C()`, a name bound to one), or undefined. */
function instanceOf(ctx: Ctx, n: Node, depth: number): Node | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const v = strip(n);
  if (v.type === "NewExpression") {
    const c = objectOf(ctx, v.callee as Node, depth + 1);
    return c?.side === "static" ? c.holder : undefined;
  }
  if (v.type !== "Identifier") return undefined;
  const init = initOf(ctx, v as t.Identifier);
  return init ? instanceOf(ctx, init, depth + 1) : undefined;
}

/**
 * What a name holds, where the build knows it: the class a class declaration binds, the value of
 * a `const`, or of a `let`/`var` never written again. Undefined for anything else.
 */
function initOf(ctx: Ctx, id: t.Identifier): Node | undefined {
  const b = ctx.scopes.binding(id as Node, id.name);
  if (!b) return undefined;
  if (b.node.type === "ClassDeclaration") return b.node;
  if (b.node.type !== "VariableDeclarator") return undefined;
  const d = b.node as t.VariableDeclarator;
  if (d.id.type !== "Identifier" || !d.init) return undefined;
  if (b.kind !== "const") {
    // A `let` written later may hold another object when it is listed: not followed then.
    ctx.tree.watchedWrites.add(b.name);
    if (b.violations.length > 0) return undefined;
  }
  return d.init as Node;
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
