import type { types as t } from "@babel/core";
import type { Ctx } from "./ctx.js";
import { keyName } from "./ctx.js";
import { provenPrimitive } from "./primitive.js";
import type { Binding } from "./scope.js";
import { isFunction, type Node } from "./tree.js";
import { constantKey, globalName, strip } from "./view.js";

/**
 * Code of the module that runs with no call written (attack23 F10, F12, F13): a class's
 * `toString`/`valueOf`/`[Symbol.toPrimitive]` run by a template, `+x`, `String(x)`; a `toJSON`
 * run by `JSON.stringify(x)`; a getter run by a member read (`Env.mode` of `static get mode()`),
 * a setter by a member write; and the method an instance of a class of the module runs for
 * `g.enter()`. One reading for the rules that follow what a function runs: its effects outside
 * JS memory (outside.ts `findOutside`), what it changes (outside.ts `writeOutside`), the
 * module state a worker reads its own copy of (checks.ts `sharedState`) and what it does to its
 * arguments (arg-escape.ts `hiddenUse`: a setter given one, a conversion run on one, attack23
 * F11). Each rule judges the bodies this names as it judges the function's own.
 */

type ClassNode = t.ClassDeclaration | t.ClassExpression;

/** What a value is, as far as the module shows its members: a class (its statics or its instances), an object literal. */
type Holder = { cls: ClassNode; static: boolean } | { obj: t.ObjectExpression };

/** How many `const` links and parent classes are followed from one value. */
const MAX_LINKS = 8;

/** The conversions a place runs on its operand: to a string or a number (`primitive`), or `JSON.stringify`'s. */
type Hint = "primitive" | "json";

/** The methods each conversion may run (all of them, whatever the order: the safe side). */
const CONVERSIONS: Record<Hint, readonly string[]> = {
  primitive: ["@@toPrimitive", "toString", "valueOf"],
  json: ["toJSON"],
};

/** Operators that turn an object operand into a primitive (`===`, `in`, `instanceof` do not). */
const CONVERTING = new Set([
  "+",
  "-",
  "*",
  "/",
  "%",
  "**",
  "<",
  ">",
  "<=",
  ">=",
  "==",
  "!=",
  "&",
  "|",
  "^",
  "<<",
  ">>",
  ">>>",
]);

/** What a node runs implicitly: the functions of the module it names, and whether an operand's class is unknown. */
export interface Implicit {
  fns: t.Function[];
  /**
   * A converted operand whose class the build cannot tell (a parameter, a call's result): any
   * conversion method of the module may run (`moduleConversions`), the safe side.
   */
  unknown: boolean;
}

/** The class of the module a name is bound to (`class C {}`, `const C = class {}`). */
function classOfBinding(b: Binding): ClassNode | undefined {
  const n = b.node;
  if (n.type === "ClassDeclaration") return b.violations.length ? undefined : n;
  const init = n.type === "VariableDeclarator" && n.init ? strip(n.init) : undefined;
  return b.kind === "const" && init?.type === "ClassExpression" ? init : undefined;
}

/** The class whose method (not an arrow's `this`) a `this` is read in, and whether it is static. */
export function thisClass(ctx: Ctx, n: Node): { cls: ClassNode; static: boolean } | undefined {
  let fn = ctx.tree.functionParent(n);
  while (fn && fn.type === "ArrowFunctionExpression") fn = ctx.tree.functionParent(fn as Node);
  if (!fn || (fn.type !== "ClassMethod" && fn.type !== "ClassPrivateMethod")) return undefined;
  const cls = ctx.tree.parent(ctx.tree.parent(fn as Node) as Node);
  if (cls?.type !== "ClassDeclaration" && cls?.type !== "ClassExpression") return undefined;
  return { cls, static: fn.static === true };
}

/**
 * What `value` holds: the holders the module shows (`new C()` of a class of the module, an object
 * literal, a `const` or a never-written `let` bound to one, `this` in a class's method), none for
 * a primitive, a global's value or a function, and `"unknown"` for anything else.
 */
function holderOf(ctx: Ctx, value: Node, depth = 0): Holder | "unknown" | undefined {
  const v = strip(value);
  if (depth > MAX_LINKS) return "unknown";
  if (provenPrimitive(ctx, v) || isFunction(v)) return undefined;
  switch (v.type) {
    case "ObjectExpression":
      return { obj: v };
    case "ClassExpression":
      return { cls: v, static: true };
    case "ThisExpression":
      return thisClass(ctx, v) ?? "unknown";
    case "NewExpression": {
      const ctor = strip(v.callee as Node);
      if (ctor.type === "Identifier") {
        const b = ctx.scopes.binding(ctor, ctor.name);
        // `new Date()`, `new Map()`: a built-in's conversions run no code of the module.
        if (!b) return undefined;
        const cls = classOfBinding(b);
        if (cls) return { cls, static: false };
      }
      if (ctor.type === "ClassExpression") return { cls: ctor, static: false };
      return "unknown";
    }
    case "Identifier": {
      const b = ctx.scopes.binding(v, v.name);
      if (!b) return undefined;
      const cls = classOfBinding(b);
      if (cls) return { cls, static: true };
      const n = b.node;
      if (n.type === "FunctionDeclaration") return undefined;
      if (n.type !== "VariableDeclarator" || n.id.type !== "Identifier") return "unknown";
      if (n.init && (b.kind === "const" || b.violations.length === 0))
        return holderOf(ctx, n.init as Node, depth + 1);
      // `let x = 0; … x = (x + i) % 7`: a number whatever it is given.
      const primitive = (w: Node): boolean =>
        w.type === "UpdateExpression" ||
        (w.type === "AssignmentExpression" &&
          (!["=", "||=", "&&=", "??="].includes(w.operator) || provenPrimitive(ctx, w.right as Node)));
      return n.init && provenPrimitive(ctx, n.init as Node) && b.violations.every(primitive)
        ? undefined
        : "unknown";
    }
    default:
      return "unknown";
  }
}

/** The name a class member or object property is keyed by: `@@toPrimitive` for `[Symbol.toPrimitive]`. */
function memberKeyName(ctx: Ctx, member: { key: Node; computed?: boolean }): string | undefined {
  if (!member.computed) return keyName(member);
  const k = constantKey(ctx.scopes, strip(member.key));
  return typeof k === "string" ? k : undefined;
}

/**
 * The functions of `holder` named `names` of kind `kind` (a method or a field holding a function;
 * a getter; a setter), through parent classes of the module. `unknown` where the holder may
 * take the member from code the module does not show: a parent class of another module, a spread.
 */
function membersOf(
  ctx: Ctx,
  holder: Holder,
  names: readonly string[],
  kind: "method" | "get" | "set",
): Implicit {
  const fns: t.Function[] = [];
  if ("obj" in holder) {
    let unknown = false;
    for (const p of holder.obj.properties) {
      if (p.type === "SpreadElement") {
        unknown = true;
        continue;
      }
      const name = memberKeyName(ctx, p as { key: Node; computed?: boolean });
      if (name === undefined || !names.includes(name)) continue;
      if (p.type === "ObjectMethod") {
        if (p.kind === kind) fns.push(p);
      } else if (kind === "method" && p.type === "ObjectProperty" && isFunction(strip(p.value as Node)))
        fns.push(strip(p.value as Node) as t.Function);
    }
    return { fns, unknown };
  }
  let cur: ClassNode | undefined = holder.cls;
  for (let i = 0; cur && i <= MAX_LINKS; i++) {
    for (const member of cur.body.body) {
      if (!(member as { key?: Node }).key || (member as { static?: boolean }).static !== holder.static)
        continue;
      const name = memberKeyName(ctx, member as { key: Node; computed?: boolean });
      if (name === undefined || !names.includes(name)) continue;
      if (member.type === "ClassMethod" && member.kind === kind) fns.push(member);
      else if (kind === "method" && member.type === "ClassProperty" && member.value) {
        const value = strip(member.value as Node);
        if (isFunction(value)) fns.push(value);
      }
    }
    const parent: Node | undefined = cur.superClass ? strip(cur.superClass as Node) : undefined;
    if (!parent) break;
    // A built-in parent (`extends Error`, `extends Map`) runs no code of the module.
    if (parent.type === "Identifier" && globalName(ctx.scopes, parent) !== undefined) break;
    const pb: Binding | undefined =
      parent.type === "Identifier" ? ctx.scopes.binding(parent, parent.name) : undefined;
    const next: ClassNode | undefined = pb ? classOfBinding(pb) : undefined;
    if (!next) return { fns, unknown: true };
    cur = next;
  }
  return { fns, unknown: false };
}

/**
 * The conversions `hint` runs on `operand`, added to `out`. `safe`: an operand of unknown class
 * sets `out.unknown` (a template, `+`, `String(x)`, `JSON.stringify(x)`: the forms that turn
 * objects into text); under the other operators (`-x`, `a < b`, `n * 2`), most often numbers,
 * only the classes the build can tell are followed.
 */
function convert(ctx: Ctx, operand: Node, hint: Hint, out: Implicit, depth = 0, safe = true): void {
  const v = strip(operand.type === "SpreadElement" ? (operand.argument as Node) : operand);
  // `JSON.stringify({ a: x })`, `${[a, b]}`: the values inside are converted too.
  if (depth < MAX_LINKS && v.type === "ArrayExpression") {
    for (const e of v.elements) if (e) convert(ctx, e as Node, hint, out, depth + 1, safe);
    return;
  }
  if (hint === "json" && depth < MAX_LINKS && v.type === "ObjectExpression") {
    for (const p of v.properties)
      if (p.type === "ObjectProperty") convert(ctx, p.value as Node, hint, out, depth + 1, safe);
  }
  const holder = holderOf(ctx, v);
  if (holder === undefined) return;
  if (holder === "unknown") {
    if (safe) out.unknown = true;
    return;
  }
  const found = membersOf(ctx, holder, CONVERSIONS[hint], "method");
  // `JSON.stringify` reads every own enumerable property: an object literal's getters run.
  const got =
    hint === "json" && "obj" in holder ? membersOf(ctx, holder, [...getterNames(holder)], "get") : undefined;
  out.fns.push(...found.fns, ...(got?.fns ?? []));
  if (found.unknown) out.unknown = true;
}

/** The names of an object literal's getters. */
function getterNames(holder: { obj: t.ObjectExpression }): string[] {
  const names: string[] = [];
  for (const p of holder.obj.properties)
    if (p.type === "ObjectMethod" && p.kind === "get" && !p.computed) {
      const name = keyName(p as { key: Node; computed?: boolean });
      if (name !== undefined) names.push(name);
    }
  return names;
}

/** Whether `m` is a member read or written, not the callee of a call (`o.m()` runs a method, not a getter). */
function accessOf(ctx: Ctx, m: Node): "get" | "set" | "both" | undefined {
  const p = ctx.tree.parent(m);
  if (!p) return "get";
  if ((p.type === "CallExpression" || p.type === "OptionalCallExpression") && p.callee === m)
    return undefined;
  if (p.type === "AssignmentExpression" && p.left === m) return p.operator === "=" ? "set" : "both";
  if (p.type === "UpdateExpression") return "both";
  if (p.type === "UnaryExpression" && p.operator === "delete") return undefined;
  return "get";
}

/** An operand `place` converts, with the conversion and whether an operand of unknown class counts (`convert`'s `safe`). */
interface Converted {
  operand: Node;
  hint: Hint;
  safe: boolean;
}

/**
 * The operands `n` converts: a template's substitutions (not a tagged one's: the tag gets the
 * values), a converting operator's (`+`, `<`, `-x`, `+=`), `String(x)`'s, `Number(x)`'s,
 * `BigInt(x)`'s, `JSON.stringify(x)`'s. One list for `implicitCalls` (what a place runs) and
 * `conversionsOf` (what it runs on one value: the argument rule).
 */
function convertedBy(ctx: Ctx, n: Node): Converted[] {
  const primitive = (operand: Node, safe = true): Converted => ({ operand, hint: "primitive", safe });
  switch (n.type) {
    case "TemplateLiteral":
      if (ctx.tree.parent(n)?.type === "TaggedTemplateExpression") return [];
      return n.expressions.map((e) => primitive(e as Node));
    case "BinaryExpression":
      if (n.left.type === "PrivateName") return [];
      // `x in o` makes `x` a key (fixture worker/arg-write-conversion-forms).
      if (n.operator === "in") return [primitive(n.left as Node, false)];
      if (!CONVERTING.has(n.operator)) return [];
      return [primitive(n.left as Node, n.operator === "+"), primitive(n.right as Node, n.operator === "+")];
    // A computed key is made a key (`cache[x]`, `{ [x]: 1 }`), which runs `x`'s `toString` or
    // `[Symbol.toPrimitive]`; of an operand of unknown class only where the build tells its class
    // (`xs[i]` is most often a number), as under `-` (fixture worker/arg-write-conversion-forms).
    case "MemberExpression":
    case "OptionalMemberExpression":
    case "ObjectProperty":
    case "ObjectMethod": {
      const key = (
        n.type === "MemberExpression" || n.type === "OptionalMemberExpression" ? n.property : n.key
      ) as Node;
      return n.computed && key.type !== "PrivateName" && !isLiteralKey(key) ? [primitive(key, false)] : [];
    }
    case "AssignmentExpression":
      if (n.operator === "=" || !CONVERTING.has(n.operator.slice(0, -1))) return [];
      return [
        primitive(n.left as Node, n.operator === "+="),
        primitive(n.right as Node, n.operator === "+="),
      ];
    case "UnaryExpression":
      if (n.operator !== "+" && n.operator !== "-" && n.operator !== "~") return [];
      return [primitive(n.argument as Node, n.operator === "+")];
    case "CallExpression":
    case "OptionalCallExpression": {
      const first = n.arguments[0] as Node | undefined;
      if (!first) return [];
      const g = globalName(ctx.scopes, n.callee as Node);
      const callee = strip(n.callee as Node);
      const json =
        (callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression") &&
        globalName(ctx.scopes, callee.object as Node) === "JSON" &&
        memberKeyName(ctx, { key: callee.property as Node, computed: callee.computed }) === "stringify";
      if (json) return [{ operand: first, hint: "json", safe: true }];
      return g === "String" || g === "Number" || g === "BigInt" ? [primitive(first)] : [];
    }
    default:
      return [];
  }
}

/**
 * What `n` runs implicitly, or undefined when nothing: the conversions of its operands
 * (`convertedBy`); the getter or setter a member read or write runs where the object is one the
 * module shows.
 */
export function implicitCalls(ctx: Ctx, n: Node): Implicit | undefined {
  const out: Implicit = { fns: [], unknown: false };
  const declares = declaresOf(ctx);
  const member = n.type === "MemberExpression" || n.type === "OptionalMemberExpression";
  // Most files declare neither: nothing of theirs runs implicitly, and the walks stay as cheap.
  if (member && declares.accessors)
    accessorsRun(ctx, n as t.MemberExpression | t.OptionalMemberExpression, out);
  // `cache[x]`: a computed key is converted too.
  if (declares.conversions)
    for (const c of convertedBy(ctx, n)) convert(ctx, c.operand, c.hint, out, 0, c.safe);
  return out.fns.length || out.unknown ? out : undefined;
}

/** The getter or setter a member read or write runs, where the object is one the module shows. */
function accessorsRun(ctx: Ctx, n: t.MemberExpression | t.OptionalMemberExpression, out: Implicit): void {
  const access = accessOf(ctx, n);
  const name = memberKeyName(ctx, { key: n.property as Node, computed: n.computed });
  if (access === undefined || name === undefined) return;
  const holder = holderOf(ctx, n.object as Node);
  // A member of an object the build cannot tell runs no getter the build knows of: not the
  // safe side here (every member read would be), a limit docs/semantics.md names.
  if (holder === undefined || holder === "unknown") return;
  if (access !== "set") out.fns.push(...membersOf(ctx, holder, [name], "get").fns);
  if (access !== "get") out.fns.push(...membersOf(ctx, holder, [name], "set").fns);
}

/** A key written as a literal (`o["a"]`, `o[0]`, `` o[`a`] ``): converted to nothing of the module's. */
function isLiteralKey(key: Node): boolean {
  const k = strip(key);
  return (
    k.type === "StringLiteral" ||
    k.type === "NumericLiteral" ||
    k.type === "BigIntLiteral" ||
    (k.type === "TemplateLiteral" && k.expressions.length === 0)
  );
}

/**
 * The conversion methods of the module `place` may run on `operand`, one of the values it
 * converts (attack23 F11: `` `${item}` `` runs the argument's `toString`): those of the class the
 * build tells it is, or — the safe side, as `implicitCalls` has it — where it cannot tell, every
 * method of the module that conversion runs (a template, `+`, `String(x)`, `JSON.stringify(x)`;
 * under the other operators only a class the build tells). Empty where `place` converts nothing.
 */
export function conversionsOf(ctx: Ctx, place: Node, operand: Node): t.Function[] {
  if (!declaresOf(ctx).conversions) return [];
  const c = convertedBy(ctx, place).find((x) => x.operand === operand);
  if (!c) return [];
  const out: Implicit = { fns: [], unknown: false };
  convert(ctx, c.operand, c.hint, out, 0, c.safe);
  if (!out.unknown) return out.fns;
  const names = CONVERSIONS[c.hint];
  return [...out.fns, ...moduleConversions(ctx).filter((f) => names.includes(conversionName(ctx, f) ?? ""))];
}

/** The conversion a function of `moduleConversions` is (`toString`, `@@toPrimitive`): its key, or its property's. */
function conversionName(ctx: Ctx, fn: t.Function): string | undefined {
  const member = fn as unknown as { key?: Node; computed?: boolean };
  if (member.key) return memberKeyName(ctx, member as { key: Node; computed?: boolean });
  const holder = ctx.tree.parent(fn as Node);
  return holder?.type === "ObjectProperty" || holder?.type === "ClassProperty"
    ? memberKeyName(ctx, holder as { key: Node; computed?: boolean })
    : undefined;
}

/**
 * `o.m(…)` of an object of a class of the module (`g.enter()` of `const g = new Gauge()`,
 * `this.bump()` in a method): the method it runs, `"unknown"` where the class may take it from
 * code the module does not show (a parent class of another module, a field not holding a
 * function written in place), undefined where the receiver is no instance of a class of the
 * module (object literals and statics: writes.ts `methodOf`).
 */
export function instanceMethod(ctx: Ctx, callee: Node): t.Function | "unknown" | undefined {
  const c = strip(callee);
  if (c.type !== "MemberExpression" && c.type !== "OptionalMemberExpression") return undefined;
  const name = memberKeyName(ctx, { key: c.property as Node, computed: c.computed });
  const holder = holderOf(ctx, c.object as Node);
  if (holder === undefined || holder === "unknown" || "obj" in holder || holder.static) return undefined;
  if (name === undefined) return "unknown";
  // The member JavaScript takes (r16a, after r15b's `methodOf`): a field of the instance, which a
  // constructor defines over any method of the name (the class's own after its parents'), else
  // the last method of the name in the nearest class that has one; a getter there, or a computed
  // key that may be the name, is not followed. Fixture inline/promise-all-map-duplicate-method.
  const chain: ClassNode[] = [];
  let unknownParent = false;
  for (let cur: ClassNode | undefined = holder.cls, i = 0; cur && i <= MAX_LINKS; i++) {
    chain.push(cur);
    const parent: Node | undefined = cur.superClass ? strip(cur.superClass as Node) : undefined;
    if (!parent) break;
    // A built-in parent (`extends Error`, `extends Map`) runs no code of the module.
    if (parent.type === "Identifier" && globalName(ctx.scopes, parent) !== undefined) break;
    const pb: Binding | undefined =
      parent.type === "Identifier" ? ctx.scopes.binding(parent, parent.name) : undefined;
    cur = pb ? classOfBinding(pb) : undefined;
    if (!cur) unknownParent = true;
  }
  const own = (cls: ClassNode) =>
    cls.body.body.filter((m) => (m as { key?: Node }).key && !(m as { static?: boolean }).static);
  for (const cls of chain) {
    let field: t.ClassProperty | undefined;
    for (const member of own(cls))
      if (member.type === "ClassProperty" && memberKeyName(ctx, member as never) === name) field = member;
    if (field) {
      const value = field.value ? strip(field.value as Node) : undefined;
      // A field of the instance (`handler = …`) may hold any function but one the class shows.
      return value && isFunction(value) ? (value as t.Function) : "unknown";
    }
  }
  for (const cls of chain) {
    let method: t.Function | "unknown" | undefined;
    for (const member of own(cls)) {
      const key = memberKeyName(ctx, member as { key: Node; computed?: boolean });
      if (key === undefined && mayBeAnyName(member as { key: Node; computed?: boolean })) return "unknown";
      if (key !== name || member.type === "ClassProperty") continue;
      method = member.type === "ClassMethod" && member.kind === "method" ? member : "unknown";
    }
    if (method) return method;
  }
  if (unknownParent) return "unknown";
  // No such member: an `Object.prototype` method (`hasOwnProperty`), or a TypeError.
  return undefined;
}

/** `[k]() {}`: a computed key that may be any name (not a well-known symbol, `[Symbol.iterator]`). */
export function mayBeAnyName(member: { key: Node; computed?: boolean }): boolean {
  if (!member.computed) return false;
  const k = strip(member.key);
  if (k.type !== "MemberExpression") return true;
  const o = strip(k.object as Node);
  return !(o.type === "Identifier" && o.name === "Symbol");
}

const conversionsMemo = new WeakMap<Ctx, t.Function[]>();
const declaresMemo = new WeakMap<Ctx, { conversions: boolean; accessors: boolean }>();

/** Whether the text declares a getter or a setter (`get mode() {`, `static set v(x) {`). */
// A pre-filter, linear (test/security/redos): any `get`/`set` word followed by a name, a key or a
// string; the walks then read the declarations themselves.
const DECLARES_ACCESSOR = /\b(?:get|set)\s[\s\w$#[\]"']/;

/** What the file's text declares at all, read once: the walks ask nothing more of a file that declares neither. */
function declaresOf(ctx: Ctx): { conversions: boolean; accessors: boolean } {
  let hit = declaresMemo.get(ctx);
  if (!hit) {
    hit = { conversions: DECLARES_CONVERSION.test(ctx.code), accessors: DECLARES_ACCESSOR.test(ctx.code) };
    declaresMemo.set(ctx, hit);
  }
  return hit;
}

/** Whether the text declares a conversion method (`toString() {`, `toJSON: …`, `[Symbol.toPrimitive]`). */
// A pre-filter, linear (test/security/redos): the names anywhere (a call of one included); the
// walks then read the declarations themselves.
const DECLARES_CONVERSION = /\b(?:toString|toJSON|valueOf)\b|Symbol\.toPrimitive/;

/**
 * Every conversion method of the module (`toString`, `valueOf`, `toJSON`, `[Symbol.toPrimitive]`
 * of its classes and object literals): what a converted value of a class the build cannot tell
 * may run (`Implicit.unknown`). Read only when the file's text declares one; a declaration inside
 * a function the tree left closed makes the tree broken, so the file is analysed whole.
 */
export function moduleConversions(ctx: Ctx): t.Function[] {
  const hit = conversionsMemo.get(ctx);
  if (hit) return hit;
  const out: t.Function[] = [];
  conversionsMemo.set(ctx, out);
  if (!DECLARES_CONVERSION.test(ctx.code)) return out;
  const names = new Set([...CONVERSIONS.primitive, ...CONVERSIONS.json]);
  for (const word of ["toString", "toJSON", "valueOf", "toPrimitive"])
    for (const fn of ctx.tree.closedMentioning(word))
      if (DECLARES_CONVERSION.test(ctx.code.slice(fn.start ?? 0, fn.end ?? 0)))
        ctx.tree.broken ??= `a conversion method may be declared in a closed function (offset ${fn.start})`;
  ctx.tree.walk(
    ctx.program as Node,
    (n) => {
      if (n.type === "ObjectMethod" || n.type === "ClassMethod") {
        const name = memberKeyName(ctx, n as { key: Node; computed?: boolean });
        if (name !== undefined && names.has(name) && n.kind === "method") out.push(n);
      } else if (n.type === "ObjectProperty" || n.type === "ClassProperty") {
        const name = memberKeyName(ctx, n as { key: Node; computed?: boolean });
        const value = n.value ? strip(n.value as Node) : undefined;
        if (name !== undefined && names.has(name) && value && isFunction(value))
          out.push(value as t.Function);
      }
      return undefined;
    },
    true,
  );
  return out;
}

/** The functions `n` runs implicitly, the safe side taken for an operand of unknown class: one list to follow. */
export function implicitlyRun(ctx: Ctx, n: Node): t.Function[] {
  const found = implicitCalls(ctx, n);
  if (!found) return [];
  return found.unknown ? [...found.fns, ...moduleConversions(ctx)] : found.fns;
}

/**
 * How a message names a function `implicitCalls` found: `Loud.toString` of a class's method,
 * `tag.toJSON` of a `const` object literal's, `Env.mode` of a getter; `[…]` for a part unnamed.
 */
export function implicitName(ctx: Ctx, fn: t.Function): string {
  const member = fn as unknown as { key?: Node; computed?: boolean };
  let key = "[…]";
  let holder: Node | undefined = ctx.tree.parent(fn as Node);
  if (member.key) key = memberKeyName(ctx, member as { key: Node; computed?: boolean }) ?? key;
  else if (holder?.type === "ObjectProperty" || holder?.type === "ClassProperty") {
    key = memberKeyName(ctx, holder as { key: Node; computed?: boolean }) ?? key;
    holder = ctx.tree.parent(holder);
  }
  // The object literal or class body, then what names it.
  if (holder?.type === "ClassBody") holder = ctx.tree.parent(holder);
  const named = holder ? ctx.tree.parent(holder) : undefined;
  let owner = "[…]";
  if ((holder?.type === "ClassDeclaration" || holder?.type === "ClassExpression") && holder.id)
    owner = holder.id.name;
  else if (named?.type === "VariableDeclarator" && named.id.type === "Identifier") owner = named.id.name;
  return `${owner}.${key.startsWith("@@") ? `[Symbol.${key.slice(2)}]` : key}`;
}
