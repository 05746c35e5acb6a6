import type { types as t } from "@babel/core";
import { MSG } from "../messages.js";
import { type Ctx, fail, keyName, literalKeyName, locOf } from "./ctx.js";
import { inheritedChecks } from "./inherited.js";
import type { SaFunction } from "./model.js";
import type { Node } from "./tree.js";

/**
 * The generated variant of an object literal's annotated method (`loadSync` of `load`) is a new
 * own property of the object. Two rules keep the object what the source made:
 *
 * - It is not enumerable (attack F01; fixture annotations/object-method-not-enumerable): the
 *   source's object has no `loadSync`, so `Object.keys`, `for…in`, `Object.entries`, `{...obj}`,
 *   `Object.assign` and `JSON.stringify` must not see one. Writable and configurable, as a method
 *   is. A class's variants are on its prototype, not enumerable already.
 * - It replaces nothing the object gets from elsewhere (attack F17): a `loadSync` its prototype
 *   (`__proto__: base`) or a spread source (`...base`) holds without `load` beside it would be
 *   replaced, and the source's own `this.loadSync()` would then run `load`. The same rule as a
 *   class's (inherited.ts): a pair declared together is replaced together. A source the file shows
 *   (a `const` object literal) is read here, SA103; any other, and a `const` one read as free
 *   (a member write may still add the name), is checked when the literal is made.
 *   A spread *after* the method copies the source's own `load` and `loadSync` over the method and
 *   its variant: the method the annotation describes is gone, and a marker would pair what the
 *   source holds with what the literal made, so a source that holds either fails there, located
 *   (fixture methods/object-proto-variant-clash).
 *
 * Both emitters translate these calls; they hold no rule of their own.
 */

/** An argument of a holder call: the holder itself, or a literal value. */
export type HolderArg = { self: true } | string | boolean;

/** A runtime call that goes with the markers of a class's or object's methods, before them. */
export interface HolderCall {
  helper: "ownVariant" | "ownVariantOf" | "hide";
  args: HolderArg[];
}

/**
 * The check a spread of a literal with annotated methods gets: `...(_sa.spreadOf(src, pairs, after,
 * loc))`; with `key`, the check a computed key the build cannot read gets, in a class or an object
 * literal: `[_sa.keyOf(k, pairs, after, loc)]` (`spread` is then the member).
 */
export interface SpreadCheck {
  spread: Node;
  key?: true;
  /** `[name, variant, name, variant, …]`: the annotated methods the spread stands before or after. */
  pairs: string[];
  after: boolean;
  loc: string;
}

const SELF: HolderArg = { self: true };

/** The calls `list` (the annotated methods of one class or object literal) needs before its markers. */
export function holderCalls(ctx: Ctx, list: readonly SaFunction[]): HolderCall[] {
  if (list[0]?.form === "class-method")
    return inheritedChecks(ctx, list).map((c) => ({
      helper: "ownVariant",
      args: [SELF, c.name, c.variant, c.isStatic, c.loc],
    }));
  const out: HolderCall[] = [];
  const proto = protoOf(list[0].holder as t.ObjectExpression);
  if (proto) {
    for (const fn of list)
      if (!settled(proto.value as Node, readSource(ctx, proto.value as Node, fn, "proto")))
        out.push({ helper: "ownVariantOf", args: [SELF, fn.name, fn.variant, locOf(ctx, fn.member!)] });
  }
  out.push({ helper: "hide", args: [SELF, ...list.map((fn) => fn.variant)] });
  return out;
}

/**
 * The spreads of the literal of `list` that need a run-time check (those the file does not show),
 * and the computed keys the build cannot read of the class or object literal of `list`.
 */
export function spreadChecks(ctx: Ctx, list: readonly SaFunction[]): SpreadCheck[] {
  const first = list[0];
  if (first?.form === "class-method")
    return keyChecks(ctx, list, (first.holder as t.Class).body.body as Node[]);
  if (first?.form !== "object-method") return [];
  const props = (first.holder as t.ObjectExpression).properties as Node[];
  const out: SpreadCheck[] = [];
  for (const p of props) {
    if (p.type !== "SpreadElement") continue;
    const at = props.indexOf(p);
    const pairs: string[] = [];
    let after = false;
    for (const fn of list) {
      const isAfter = props.indexOf(fn.member!) < at;
      const arg = (p as t.SpreadElement).argument as Node;
      if (settled(arg, readSource(ctx, arg, fn, isAfter ? "after" : "before"))) continue;
      // One spread stands after some methods and before others: the stricter check for all.
      after ||= isAfter;
      pairs.push(fn.name, fn.variant);
    }
    if (pairs.length) out.push({ spread: p, pairs, after, loc: locOf(ctx, p) });
  }
  out.push(...keyChecks(ctx, list, props));
  return out;
}

/**
 * A computed key the build cannot read (`["load" + SUFFIX]`) may name an annotated method or its
 * variant: checked when the class or object literal is made, `[_sa.keyOf(k, pairs, after, loc)]`
 * (fixtures methods/object-literal-later-key, methods/computed-key-variant-clash; attack27 F03).
 * `after` follows the member's position: a member after a method replaces it or its variant, one
 * before it is replaced by them (only its variant's name is a clash then). A class field is
 * defined on the instance (a static one once the class's methods exist) whatever its place, so it
 * stands after them all. A class member is checked against the methods of its own side (`static`
 * or not). A key the source fixes (`["loadSync"]`, a `const`, `Symbol.iterator`) is read at build
 * time instead (checks.ts `checkClash`, SA103).
 */
function keyChecks(ctx: Ctx, list: readonly SaFunction[], members: readonly Node[]): SpreadCheck[] {
  const out: SpreadCheck[] = [];
  for (const p of members) {
    const c = p as { computed?: boolean; key?: Node; static?: boolean };
    if (p.type === "SpreadElement" || !c.computed || !c.key) continue;
    if (literalKeyName(ctx, c as { key: Node; computed?: boolean }) !== undefined) continue;
    const at = members.indexOf(p);
    const field = p.type === "ClassProperty";
    const pairs: string[] = [];
    let after = false;
    for (const fn of list) {
      if (fn.member === p || (fn.form === "class-method" && !!c.static !== fn.isStatic)) continue;
      // One key stands after some methods and before others: the stricter check for all.
      after ||= field || members.indexOf(fn.member!) < at;
      pairs.push(fn.name, fn.variant);
    }
    if (pairs.length) out.push({ spread: p, key: true, pairs, after, loc: locOf(ctx, p) });
  }
  return out;
}

/** The key a literal's member certainly has: a static name, or a computed key the source fixes. */
function ownKey(ctx: Ctx, p: Node): string | null | undefined {
  const c = p as { computed?: boolean; key?: Node };
  return c.key ? literalKeyName(ctx, c as { key: Node; computed?: boolean }) : undefined;
}

/** SA103 where the literal's own `__proto__` or spread source is a `const` literal of the file that clashes. */
export function checkLiteralSources(ctx: Ctx, fn: SaFunction): void {
  if (fn.form !== "object-method") return;
  const obj = fn.holder as t.ObjectExpression;
  const proto = protoOf(obj);
  if (proto) {
    const seen = readSource(ctx, proto.value as Node, fn, "proto");
    if (typeof seen === "object")
      fail(ctx, "SA103", fn.member!, MSG.literalClash(fn.variant, fn.display, seen.clash, "proto"));
  }
  const props = obj.properties as Node[];
  const mine = props.indexOf(fn.member!);
  // A member after the method under its name (a property, a method, an accessor, a computed key
  // the source fixes): the object holds that one, and the marker would give it the annotated
  // method's variant, which sync code would then call in its place (fixture
  // methods/object-literal-later-key). One under the variant's name is SA103 already (checks.ts).
  for (const p of props.slice(mine + 1))
    if (p.type !== "SpreadElement" && ownKey(ctx, p) === fn.name)
      fail(ctx, "SA103", p, MSG.literalReplaced(fn.variant, fn.display, fn.name));
  for (const p of props) {
    if (p.type !== "SpreadElement") continue;
    const where = props.indexOf(p) > mine ? "after" : "before";
    const seen = readSource(ctx, (p as t.SpreadElement).argument as Node, fn, where);
    if (typeof seen === "object")
      fail(ctx, "SA103", p, MSG.literalClash(fn.variant, fn.display, seen.clash, where));
  }
}

/**
 * Whether what the file shows of a source settles it: a clash (SA103 already), or "free" for a
 * source written in place (`null`, an object literal) that nothing can change before it is read.
 * A `const` object read as free may still gain a `loadSync` by a member write (`base.loadSync =
 * …`) before the literal is made: the run-time check stays (a few descriptor reads).
 */
function settled(src: Node, seen: ReturnType<typeof readSource>): boolean {
  if (typeof seen === "object") return true;
  return seen === "free" && (src.type === "NullLiteral" || src.type === "ObjectExpression");
}

/** The literal's `__proto__: value` (not shorthand, not computed: those are plain properties). */
function protoOf(obj: t.ObjectExpression): t.ObjectProperty | undefined {
  return obj.properties.find(
    (p): p is t.ObjectProperty =>
      p.type === "ObjectProperty" &&
      !p.computed &&
      !p.shorthand &&
      keyName(p as { key: Node; computed?: boolean }) === "__proto__",
  );
}

/**
 * What the file shows of a source of the literal's members: "free" when it cannot clash, the
 * clashing source's name, or "unknown" (checked at run time). `null` and `Object.prototype`-like
 * `{}` are free. A `const` bound to an object literal is read: as a prototype, a member named like
 * the variant without the method beside it clashes, and its own `__proto__` is followed; as a
 * spread before the method, the same, own members only; as a spread after it, either name does.
 */
function readSource(
  ctx: Ctx,
  src: Node,
  fn: SaFunction,
  where: "proto" | "before" | "after",
  seen = new Set<Node>(),
): "free" | "unknown" | { clash: string } {
  if (src.type === "NullLiteral") return "free";
  let obj: Node = src;
  let name = "the object literal";
  if (src.type === "Identifier") {
    const b = ctx.scopes.binding(src, (src as t.Identifier).name);
    const decl = b?.node as t.VariableDeclarator | undefined;
    if (b?.kind !== "const" || decl?.type !== "VariableDeclarator" || !decl.init) return "unknown";
    obj = decl.init as Node;
    name = (src as t.Identifier).name;
  }
  if (obj.type !== "ObjectExpression" || seen.has(obj)) return "unknown";
  seen.add(obj);
  let method = false;
  let variant = false;
  for (const p of (obj as t.ObjectExpression).properties as Node[]) {
    // A spread or computed key the file cannot name: what the source holds is not known.
    if (p.type === "SpreadElement") return "unknown";
    const key = keyName(p as { key: Node; computed?: boolean });
    if (key === undefined) return "unknown";
    if (key === fn.variant) variant = true;
    else if (key === fn.name) method = true;
  }
  if (where === "after") return method || variant ? { clash: name } : "free";
  if (variant && !method) return { clash: name };
  if (variant || where === "before") return "free";
  const proto = protoOf(obj as t.ObjectExpression);
  return proto ? readSource(ctx, proto.value as Node, fn, "proto", seen) : "free";
}
