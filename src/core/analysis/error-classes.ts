import type { types as t } from "@babel/core";
import { mayContainAnnotation } from "../annotation.js";
import { importedFrom, importTarget, isImportBinding } from "./checks.js";
import { type Ctx, locOf } from "./ctx.js";
import { registerLocals, runtimeLocals } from "./runtime-names.js";
import type { Binding } from "./scope.js";
import type { Node } from "./tree.js";
import { memberName, strip } from "./view.js";
import { importsReach } from "./worker-imports.js";

/**
 * attack25 F04: an error of a user class crosses a thread as its built-in base class with the
 * class's name, unless the class is registered (`register(import.meta.url, { NotFound })`), in
 * which case the other side rebuilds it as an instance of the class (runtime clone.cts). So the
 * build registers them itself: every error class a module declares at its top level, in a
 * module whose functions run in workers, is listed in a generated `register` call right after
 * its declaration (not beside the functions: a class is not hoisted, and a `register` above it
 * would read it before its declaration ran). Fixture worker/error-class-unregistered.
 *
 * An error class is one whose `extends` leads, through classes of the module and classes
 * imported from other modules of the program, to a built-in error (`Error`, `TypeError`, …,
 * `DOMException`). One that extends what the build cannot read (a package's class) is not
 * listed: the runtime reports its instances when they cross (a warning, once per class).
 */
export interface ErrorClass {
  name: string;
  /** The top-level statement the class is declared by (the `export` around it included). */
  stmt: Node;
}

const BUILT_IN_ERRORS = new Set([
  "Error",
  "TypeError",
  "RangeError",
  "SyntaxError",
  "ReferenceError",
  "EvalError",
  "URIError",
  "AggregateError",
  "DOMException",
]);

/** The module's top-level error classes not registered yet, in source order. */
export function errorClassesToRegister(ctx: Ctx): ErrorClass[] {
  const out: ErrorClass[] = [];
  const registered = registeredNames(ctx);
  for (const stmt of ctx.program.body as Node[]) {
    const inner =
      (stmt.type === "ExportNamedDeclaration" || stmt.type === "ExportDefaultDeclaration") && stmt.declaration
        ? (stmt.declaration as Node)
        : stmt;
    for (const [name, cls] of declaredClasses(inner)) {
      if (registered.has(name)) continue;
      const b = ctx.scopes.program.bindings.get(name);
      // Reassigned, the name may hold another class (or none) by the time an error crosses.
      if (!b || b.violations.length > 0 || (b.redeclarations?.length ?? 0) > 0) continue;
      if (isErrorClass(ctx, cls, 0)) out.push({ name, stmt });
    }
  }
  return out;
}

/**
 * attack27: the error classes the module imports from other modules of the program and
 * constructs (`import { NotFound } from "./errors.js"; … throw new NotFound(k)`), which nothing
 * registers there: registered here, under this module's URL, right after the import (ES imports
 * are evaluated before the module's body; a `require` before the statement after it). Both
 * threads run the registration: the worker imports this module, and the caller holds its
 * function. Not where the class's module imports this one back (an import cycle): this module
 * may run first, before the class is declared there (SA306 says to register it there instead).
 * Fixture worker/error-class-imported.
 */
export function importedErrorClassesToRegister(ctx: Ctx): ErrorClass[] {
  const out: ErrorClass[] = [];
  const registered = registeredNames(ctx);
  const seen = new Set<Binding>();
  ctx.tree.walk(ctx.program as Node, (n) => {
    if (n.type !== "NewExpression") return undefined;
    const callee = strip(n.callee as Node);
    if (callee.type !== "Identifier" || registered.has(callee.name)) return undefined;
    const b = ctx.scopes.binding(callee, callee.name);
    if (!b || seen.has(b)) return undefined;
    seen.add(b);
    const stmt = importStatement(ctx, b);
    if (stmt && importedToRegister(ctx, callee, b) === "register") out.push({ name: callee.name, stmt });
    return undefined;
  });
  return out;
}

/** The top-level statement that declares an import binding (an `import`, a `const … = require(…)`). */
function importStatement(ctx: Ctx, b: Binding): Node | undefined {
  if (b.scope !== ctx.scopes.program || !isImportBinding(ctx, b)) return undefined;
  if (b.node.type === "ImportNamespaceSpecifier") return undefined;
  const stmt = ctx.tree.parent(b.node);
  if (stmt?.type === "ImportDeclaration") return stmt;
  if (
    stmt?.type === "VariableDeclaration" &&
    ctx.tree.parent(stmt)?.type === "Program" &&
    stmt.kind === "const"
  )
    return stmt;
  return undefined;
}

/**
 * What the build does with an error class imported from another module of the program:
 * `register` it here, `cycle` (its module imports this one back: SA306), `there` (its module
 * registers it), or undefined (not an error class the build reads, or no module of the program).
 */
function importedToRegister(
  ctx: Ctx,
  ref: t.Identifier,
  b: Binding,
): "register" | "cycle" | "there" | undefined {
  const from = importedFrom(ctx, ref, b);
  if (!from || !ctx.filename || (!from.source.startsWith(".") && !from.source.startsWith("/")))
    return undefined;
  const target = importTarget(ctx, ref, b);
  const there = target && classOf(target.there);
  if (!target || !there || !isErrorClass(target.other, there, 0)) return undefined;
  if (registeredNames(target.other).has(target.there.name)) return "there";
  // Unknown (no module graph to ask) is a cycle: a registration that may run before the class
  // is declared throws.
  if (!ctx.graph || !target.other.filename || importsReach(ctx, target.other.filename, ctx.filename))
    return "cycle";
  return "register";
}

/** `class C …` and `const C = class …` of a statement, by name. */
function declaredClasses(n: Node): [string, t.Class][] {
  if (n.type === "ClassDeclaration" && n.id && !n.declare) return [[n.id.name, n]];
  if (n.type !== "VariableDeclaration" || n.declare) return [];
  const out: [string, t.Class][] = [];
  for (const d of n.declarations) {
    const init = d.init ? strip(d.init as Node) : undefined;
    if (d.id.type === "Identifier" && init?.type === "ClassExpression") out.push([d.id.name, init]);
  }
  return out;
}

/** Whether `cls` extends a built-in error, through classes the build reads. */
function isErrorClass(ctx: Ctx, cls: t.Class, depth: number): boolean {
  if (!cls.superClass || depth > 8) return false;
  const s = strip(cls.superClass as Node);
  if (s.type !== "Identifier") return false;
  const b = ctx.scopes.binding(s, s.name);
  if (!b) return BUILT_IN_ERRORS.has(s.name);
  const there = classOf(b);
  if (there) return isErrorClass(ctx, there, depth + 1);
  if (!isImportBinding(ctx, b)) return false;
  const target = importTarget(ctx, s, b);
  const other = target && classOf(target.there);
  return other !== undefined && isErrorClass(target!.other, other, depth + 1);
}

/** The class a binding is declared as, if it is one and never reassigned. */
export function classOf(b: Binding): t.Class | undefined {
  if (b.violations.length > 0) return undefined;
  if (b.node.type === "ClassDeclaration") return b.node;
  if (b.node.type === "VariableDeclarator" && b.node.init) {
    const init = strip(b.node.init as Node);
    if (init.type === "ClassExpression") return init;
  }
  return undefined;
}

/** Whether the class a binding declares is an error class (SA306 reads it for imported ones). */
export function isErrorClassBinding(ctx: Ctx, b: Binding): boolean {
  const cls = classOf(b);
  return cls !== undefined && isErrorClass(ctx, cls, 0);
}

/**
 * The names a top-level `register(…, { A, B: C })` call of the module lists as values (`A`, `C`):
 * the program's own call, through the runtime's `register` (imported or required, or a member of
 * the runtime's module object), and the one a previous pass generated.
 */
export function registeredNames(ctx: Ctx): Set<string> {
  const out = new Set<string>();
  const registers = registerLocals(ctx);
  const spaces = runtimeLocals(ctx);
  for (const stmt of ctx.program.body as Node[]) {
    if (stmt.type !== "ExpressionStatement") continue;
    const call = strip(stmt.expression as Node);
    if (call.type !== "CallExpression") continue;
    const callee = strip(call.callee as Node);
    const isRegister =
      (callee.type === "Identifier" && registers.has(callee.name)) ||
      (callee.type === "MemberExpression" &&
        memberName(callee) === "register" &&
        strip(callee.object as Node).type === "Identifier" &&
        spaces.has((strip(callee.object as Node) as t.Identifier).name));
    const list = call.arguments[1] ? strip(call.arguments[1] as Node) : undefined;
    if (!isRegister || list?.type !== "ObjectExpression") continue;
    for (const p of list.properties) {
      const v = p.type === "ObjectProperty" ? strip(p.value as Node) : undefined;
      if (v?.type === "Identifier") out.add(v.name);
    }
  }
  return out;
}

/**
 * SA306 (attack25 F04): `new C(…)` thrown or rejected by a worker or offloaded function (or a
 * function it calls) where `C` is a class whose errors cross as their built-in base, because
 * nothing registers it: the clause of the warning (what to write, and where), else undefined.
 * Not named: classes the build registers itself (`errorClassesToRegister`), classes a `register`
 * call of their module lists, a class of another module of the program whose own build may
 * register it (a module with annotations: its functions may run in workers), a built-in.
 */
export function unregisteredErrorClass(ctx: Ctx, made: Node): string | undefined {
  const n = strip(made);
  if (n.type !== "NewExpression") return undefined;
  const callee = strip(n.callee as Node);
  if (callee.type !== "Identifier") return undefined;
  const b = ctx.scopes.binding(callee, callee.name);
  if (!b) return undefined;
  const name = callee.name;
  const write = (where: string) =>
    `its errors arrive in the caller as instances of their built-in base class, so \`err instanceof ${name}\` is false there; write \`register(import.meta.url, { ${name} })\` (smartasync/runtime) ${where}`;
  if (b.scope === ctx.scopes.program) {
    const cls = classOf(b);
    if (cls) {
      // A class of this module extending what the build cannot read (a package's error class).
      if (!cls.superClass || isErrorClass(ctx, cls, 0) || registeredNames(ctx).has(name)) return undefined;
      return `\`${name}\` of this module extends \`${shownSuper(cls)}\`, which the build cannot read, so it does not register it: ${write("after its declaration")}`;
    }
  }
  if (!isImportBinding(ctx, b)) return undefined;
  const from = importedFrom(ctx, callee, b);
  if (!from) return undefined;
  if (!from.source.startsWith(".") && !from.source.startsWith("/"))
    return `\`${name}\` is imported from the package \`${from.source}\`, whose classes nothing registers: ${write("in this module")}`;
  const target = importTarget(ctx, callee, b);
  const there = target && classOf(target.there);
  if (!target || !there?.superClass) return undefined;
  const todo = importStatement(ctx, b) ? importedToRegister(ctx, callee, b) : undefined;
  // Registered by this build after the import (`importedErrorClassesToRegister`), or there.
  if (todo === "register" || todo === "there" || registeredNames(ctx).has(name)) return undefined;
  if (registeredNames(target.other).has(target.there.name)) return undefined;
  // A module with annotations registers its own error classes where its functions run in workers.
  if (isErrorClass(target.other, there, 0) && mayContainAnnotation(target.other.code, ctx.options.runtime))
    return undefined;
  if (todo === "cycle")
    return `${target.from} is not registered there, and the build does not register it here: that module imports this one back (an import cycle), so this module may run before the class is declared: ${write(`in \`${from.source}\``)}`;
  return `${target.from} is not registered there: ${write(`in \`${from.source}\``)}`;
}

function shownSuper(cls: t.Class): string {
  const s = strip(cls.superClass as Node);
  return s.type === "Identifier" ? s.name : "its base class";
}

/**
 * attack27 F06: `new C(…)` thrown or rejected by a worker or offloaded function (or a function it
 * calls) where `C`, or a class it extends (through classes the build reads), keeps state the copy
 * that crosses cannot carry — a private member (`#status`, `#check()`), or a module-level
 * `WeakMap`/`Map` its methods look up with `this` (`meta.get(this)`) — the runtime refuses such an
 * error when it crosses (clone.cts, `heldState`): the clause naming the class and the state,
 * else undefined. Only error classes (an instance of another class is refused anyway, SA306 or
 * not). Fixture diagnostics/sa306-error-private-state.
 */
export function heldStateClass(ctx: Ctx, made: Node): string | undefined {
  const n = strip(made);
  if (n.type !== "NewExpression") return undefined;
  const callee = strip(n.callee as Node);
  if (callee.type !== "Identifier") return undefined;
  const first = classAt(ctx, callee);
  if (!first || !isErrorClass(first.ctx, first.cls, 0)) return undefined;
  for (let cur: Found | undefined = first, depth = 0; cur && depth < 8; depth++) {
    const why = classHeldState(cur.ctx, cur.cls);
    if (why !== undefined) {
      const who = cur === first ? `\`${callee.name}\`` : `\`${callee.name}\` extends \`${cur.name}\`, which`;
      return `${who} ${why}: the copy of the error that crosses to the caller cannot carry that, so the runtime refuses it (SMARTASYNC_UNCLONEABLE); keep that state in an ordinary property (\`this.status = status\`)`;
    }
    const s: Node | undefined = cur.cls.superClass ? strip(cur.cls.superClass as Node) : undefined;
    cur = s?.type === "Identifier" ? classAt(cur.ctx, s) : undefined;
  }
  return undefined;
}

interface Found {
  ctx: Ctx;
  cls: t.Class;
  name: string;
}

/** The class `ref` names: of its module, or imported from another module of the program. */
function classAt(ctx: Ctx, ref: t.Identifier): Found | undefined {
  const b = ctx.scopes.binding(ref, ref.name);
  if (!b) return undefined;
  const cls = classOf(b);
  if (cls) return { ctx, cls, name: ref.name };
  if (!isImportBinding(ctx, b)) return undefined;
  const target = importTarget(ctx, ref, b);
  const there = target && classOf(target.there);
  return there ? { ctx: target.other, cls: there, name: ref.name } : undefined;
}

/** What a class keeps outside its instances' own properties (`heldStateClass`), else undefined. */
function classHeldState(ctx: Ctx, cls: t.Class): string | undefined {
  for (const m of cls.body.body as Node[]) {
    const k = (m as { key?: Node }).key;
    if (k?.type !== "PrivateName" || (m as { static?: boolean }).static) continue;
    const kind = m.type === "ClassPrivateMethod" ? "method" : "field";
    return `has the private ${kind} \`#${k.id.name}\``;
  }
  let found: string | undefined;
  ctx.tree.walk(cls.body as Node, (n) => {
    if (found !== undefined) return false;
    if (n.type !== "CallExpression" || strip(n.arguments[0] as Node)?.type !== "ThisExpression")
      return undefined;
    const callee = strip(n.callee as Node);
    const name = callee.type === "MemberExpression" ? memberName(callee) : undefined;
    if (name !== "get" && name !== "has" && name !== "set") return undefined;
    const o = strip((callee as t.MemberExpression).object as Node);
    if (o.type !== "Identifier") return undefined;
    const b = ctx.scopes.binding(o, o.name);
    const kind = b && b.scope === ctx.scopes.program ? keyedCollection(b) : undefined;
    if (kind)
      found = `keeps state in the module's \`${kind}\` \`${o.name}\`, keyed by the instance (\`${o.name}.${name}(this${n.arguments.length > 1 ? ", …" : ""})\` at ${locOf(ctx, n)})`;
    return undefined;
  });
  return found;
}

/** `WeakMap`, `Map`, … when a binding is made by `new` of one, else undefined. */
export function keyedCollection(b: Binding): "WeakMap" | "WeakSet" | "Map" | "Set" | undefined {
  if (b.node.type !== "VariableDeclarator" || !b.node.init) return undefined;
  const init = strip(b.node.init as Node);
  if (init.type !== "NewExpression" || init.callee.type !== "Identifier") return undefined;
  const c = init.callee.name;
  return c === "WeakMap" || c === "WeakSet" || c === "Map" || c === "Set" ? c : undefined;
}
