import type { types as t } from "@babel/core";
import { parseAnnotation, type VariantNames } from "../annotation.js";
import { isRegexSpace, isRegexWordChar } from "../chars.js";
import { type AnonymousAt, MSG, UNREACHABLE } from "../messages.js";
import { isIdentifierName, variantName } from "../naming.js";
import { variantKind } from "../strategy.js";
import { type Ctx, callText, fail, keyName, posIn, sourceOf, warn } from "./ctx.js";
import type { Form, SaFactory, SaFunction } from "./model.js";
import { proofOf } from "./prove.js";
import { declaredReturnKind, type ReturnScan, returnedPromise, returnedValues } from "./return-type.js";
import { strip, TRANSPARENT } from "./transparent.js";
import { isFunction, type Node } from "./tree.js";
import { TYPED_ARRAYS } from "./typed-arrays.js";
import { consumerOf } from "./view.js";

type Comment = t.Comment;

/** Whether a method body uses `this`/`super` (arrow functions see the method's own). */
function thisUse(ctx: Ctx, fn: t.Function): "this" | "super" | undefined {
  let found: "this" | "super" | undefined;
  ctx.tree.walk(fn.body, (n) => {
    if (found) return false;
    if (isFunction(n) && n.type !== "ArrowFunctionExpression") return false;
    // A class's fields, static blocks and methods have their own `this` (fixture
    // inline/nested-annotated: a nested class's `static { this.x }`); only its computed keys
    // (and its `extends`, outside the body) read the enclosing one.
    if (n.type === "ClassBody") {
      for (const m of (n as t.ClassBody).body as Node[]) {
        const member = m as { computed?: boolean; key?: Node };
        if (member.computed && member.key && !found) found = thisUse(ctx, { body: member.key } as never);
      }
      return false;
    }
    if (n.type === "ThisExpression") found = "this";
    else if (n.type === "Super") found = "super";
    return undefined;
  });
  return found;
}

function isModuleLevel(ctx: Ctx, stmt: Node): boolean {
  const p = ctx.tree.parent(stmt);
  if (p?.type === "Program") return true;
  return (
    (p?.type === "ExportNamedDeclaration" || p?.type === "ExportDefaultDeclaration") &&
    ctx.tree.parent(p)?.type === "Program"
  );
}

function describe(node: Node): string {
  switch (node.type) {
    case "VariableDeclaration":
      return "a variable declaration";
    case "ClassDeclaration":
      return "a class (annotate its methods instead)";
    case "ImportDeclaration":
      return "an import";
    case "ExpressionStatement":
      return "an expression statement";
    case "ClassProperty":
    case "ClassPrivateProperty":
      return "a class field";
    default:
      return `a ${node.type.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()}`;
  }
}

function checkFunctionShape(ctx: Ctx, fn: t.Function, at: Node): void {
  if (fn.generator) {
    fail(
      ctx,
      "SA102",
      at,
      MSG.notAnnotatable(
        fn.async ? "an async generator" : "a generator",
        "Generators are not supported yet; annotate a plain function that collects their values.",
      ),
    );
  }
}

interface HolderInfo {
  holder: Node;
  name: string | undefined;
  moduleLevel: boolean;
}

/** The class a member belongs to and the name it is known by at module level, if any. */
function classInfo(ctx: Ctx, member: Node): HolderInfo {
  const holder = ctx.tree.parent(ctx.tree.parent(member)!)!;
  let name = (holder as t.Class).id?.name;
  let stmt: Node | undefined = holder;
  if (holder.type === "ClassExpression") {
    const decl = ctx.tree.parent(holder);
    if (decl?.type === "VariableDeclarator" && decl.id.type === "Identifier") {
      name ??= decl.id.name;
      stmt = ctx.tree.parent(decl);
    } else {
      stmt = undefined;
    }
  }
  return { holder, name, moduleLevel: stmt !== undefined && isModuleLevel(ctx, stmt) };
}

function objectInfo(ctx: Ctx, member: Node): HolderInfo {
  const holder = ctx.tree.parent(member)!;
  const decl = ctx.tree.parent(holder);
  if (decl?.type === "VariableDeclarator" && decl.id.type === "Identifier") {
    const stmt = ctx.tree.parent(decl) as t.VariableDeclaration;
    return { holder, name: decl.id.name, moduleLevel: stmt.kind === "const" && isModuleLevel(ctx, stmt) };
  }
  return { holder, name: undefined, moduleLevel: false };
}

interface BaseInit {
  name: string;
  display: string;
  form: Form;
  fn: t.Function;
  stmt?: t.Statement;
  member?: Node;
  holder?: Node;
  isStatic?: boolean;
  at: Node;
  reachable: boolean;
  unreachableWhy?: string;
  registerKey: string;
  exportDecl?: boolean;
}

/** The file as `returnedPromise` reads it. */
function returnScan(ctx: Ctx): ReturnScan {
  return {
    walk: (root, visit) => ctx.tree.walk(root, visit, true),
    parent: (n) => ctx.tree.parent(n),
    binding: (n, name) => ctx.scopes.binding(n, name),
  };
}

function base(ctx: Ctx, init: BaseInit): SaFunction {
  const declared = init.fn.async ? undefined : declaredReturnKind(init.fn, ctx.program);
  // A function written without `async` that returns a promise is async too (attack 17, F12).
  const promised =
    init.fn.async || declared === "promise" ? undefined : returnedPromise(returnScan(ctx), init.fn as Node);
  const kind = init.fn.async || declared === "promise" || promised !== undefined ? "async" : "sync";
  // Never silently anything: a declared type that is neither a promise nor a proven value leaves
  // the colour to the annotation's words or the body (`settleUnknownReturns`), and SA108 says which.
  const unknownReturn =
    typeof declared === "object"
      ? {
          type: (init.fn.returnType as t.TSTypeAnnotation).typeAnnotation as Node,
          part: declared.unknown,
          why: declared.why,
          returned: promised === undefined ? undefined : { value: promised, how: "promise" as const },
        }
      : undefined;
  return {
    name: init.name,
    display: init.display,
    kind,
    form: init.form,
    fn: init.fn,
    stmt: init.stmt,
    member: init.member,
    holder: init.holder,
    isStatic: init.isStatic ?? false,
    loc: posIn(ctx, init.at) ?? { line: 0, column: 0 },
    variant: variantName(init.name, kind, ctx.options),
    reachable: init.reachable,
    unreachableWhy: init.unreachableWhy,
    registerKey: init.registerKey,
    exportDecl: init.exportDecl ?? false,
    syncPlan: undefined,
    leaves: new Map(),
    leafCallees: new Map(),
    located: [],
    asyncStrategy: undefined,
    unknownReturn,
  };
}

function methodFunction(
  ctx: Ctx,
  member: Node,
  fn: t.Function,
  name: string,
  isStatic: boolean,
  at: Node,
): SaFunction {
  const isClass = ctx.tree.parent(member)?.type === "ClassBody";
  const info = isClass ? classInfo(ctx, member) : objectInfo(ctx, member);
  const owner = info.name ?? (isClass ? "<class>" : "<object>");
  const key = isClass && !isStatic ? `${owner}.prototype.${name}` : `${owner}.${name}`;
  const use = thisUse(ctx, fn);
  let why: string | undefined;
  if (!info.moduleLevel) why = isClass ? UNREACHABLE.localClass : UNREACHABLE.anonymousObject;
  else if (use) why = use === "this" ? UNREACHABLE.usesThis : UNREACHABLE.usesSuper;
  return base(ctx, {
    name,
    display: key,
    form: isClass ? "class-method" : "object-method",
    fn,
    member,
    holder: info.holder,
    isStatic,
    at,
    reachable: why === undefined,
    unreachableWhy: why,
    registerKey: key,
  });
}

/**
 * Whether the same-thread wrapper of a plain function must pass its own `this` on
 * (`f.apply(this, args)`): the function reads `this`, so `fAsync.call(ctx, …)` must reach it.
 */
export function passesReceiver(fn: SaFunction): boolean {
  return (
    (fn.form === "function" || fn.form === "const") && fn.unreachableWhy === UNREACHABLE.functionUsesThis
  );
}

/** A function declaration or a `const` bound to a function: named, reachable at module level. */
function declared(
  ctx: Ctx,
  form: "function" | "const",
  name: string,
  fn: t.Function,
  decl: Node,
  stmt: t.Statement,
  at: Node,
  exportDecl: boolean,
): SaFunction {
  // A function (not an arrow) that reads `this` gets its receiver from the call
  // (`f.call(ctx, …)`, `f.bind(ctx)`): a worker or pool thread would run it without one, so it
  // stays off other threads like a method that uses `this` (attack 13, F21).
  const why = !isModuleLevel(ctx, decl)
    ? ctx.tree.findParent(decl, (p) => isFunction(p) || p.type === "TSModuleBlock")?.type === "TSModuleBlock"
      ? UNREACHABLE.namespace
      : UNREACHABLE.closure
    : fn.type !== "ArrowFunctionExpression" && thisUse(ctx, fn) === "this"
      ? UNREACHABLE.functionUsesThis
      : undefined;
  return base(ctx, {
    name,
    display: name,
    form,
    fn,
    stmt,
    at,
    reachable: why === undefined,
    unreachableWhy: why,
    registerKey: name,
    exportDecl,
  });
}

/** A method named by a string that is not an identifier (`'a-b'()`): its variant could not be named. */
/**
 * Refuses a method of a class that carries a decorator (on the class or on any member, static or
 * not; parameter decorators exist only as legacy decorators, which run after the class is defined).
 * Under TC39 decorators (SWC `decoratorVersion` "2022-03"/"2023-11", Babel's 2023-11 transform) the
 * static block holding the marker runs after the class decorator and after the initializers a
 * member decorator adds, so a decorator that replaces the method (returns a subclass, patches the
 * prototype, or replaces `this.prototype.get` from a sibling's initializer) would have the
 * *replacement* marked with the original's variant, and a sync caller would run the original
 * (attack31 F03; fixtures diagnostics/sa102-decorated-class and sa102-decorated-sibling). Legacy
 * decorators run after the marker, which the guard then catches, but the source does not say
 * which transform will run.
 */
function decoratedClass(ctx: Ctx, method: t.ClassMethod, at: Node): void {
  const body = ctx.tree.parent(method);
  const cls = body && ctx.tree.parent(body);
  if (body?.type !== "ClassBody" || !cls) return;
  const decorated = (n: Node) => (n as { decorators?: t.Decorator[] | null }).decorators?.[0];
  const own = decorated(cls);
  const member = own ? undefined : (body as t.ClassBody).body.find((m) => m !== method && decorated(m));
  const dec = own ?? (member && decorated(member));
  if (!dec) return;
  const name = dec.expression.type === "Identifier" ? `\`@${dec.expression.name}\`` : "a decorator";
  const where = `line ${dec.loc?.start.line ?? 0}`;
  fail(
    ctx,
    "SA102",
    at,
    MSG.notAnnotatable(
      own ? "a method of a decorated class" : "a method of a class with a decorated member",
      `${own ? "The class" : "A member of the class"} has ${name} (${where}): a decorator may replace the method before the marker runs, and a sync caller would then run the original's variant. Move the work into an undecorated class (or a module-level function) that this one calls.`,
    ),
  );
}

function notIdentifier(ctx: Ctx, name: string, at: Node): void {
  if (isIdentifierName(name)) return;
  fail(
    ctx,
    "SA102",
    at,
    MSG.notAnnotatable(
      `a method named ${JSON.stringify(name)}`,
      "Give the method a name that is an identifier, so its variant can be named after it.",
    ),
  );
}

/** The SA102 for a function not bound with `const`. */
function notConst(ctx: Ctx, at: Node, kind: string): never {
  return fail(
    ctx,
    "SA102",
    at,
    MSG.notAnnotatable(
      `a \`${kind}\` binding`,
      "Bind the function with `const` so its variant stays paired with it.",
    ),
  );
}

function isFunctionValue(n: Node | null | undefined): n is t.ArrowFunctionExpression | t.FunctionExpression {
  return n?.type === "ArrowFunctionExpression" || n?.type === "FunctionExpression";
}

/**
 * Where an annotated function value stands, for SA105's advice: an annotation written on the
 * value of `const x = async () => …` belongs before the declaration, which names the variant;
 * one on a callback needs a declared function instead.
 */
function anonymousAt(ctx: Ctx, fn: Node): AnonymousAt {
  const { outer: cur, parent: p } = consumerOf(ctx.tree, fn);
  const shown = (n: Node): string => {
    const text = sourceOf(ctx, n).replace(/\s+/g, " ");
    return text.length > 40 ? `${text.slice(0, 37)}...` : text;
  };
  switch (p?.type) {
    case "ExportDefaultDeclaration":
      return { kind: "default-export" };
    case "VariableDeclarator": {
      const decl = ctx.tree.parent(p);
      if (p.init === cur && p.id.type === "Identifier" && decl?.type === "VariableDeclaration")
        return { kind: "declared-value", name: p.id.name, declaration: decl.kind };
      break;
    }
    case "ObjectProperty": {
      const name = p.value === cur ? keyName(p) : undefined;
      if (name !== undefined && isIdentifierName(name)) return { kind: "property-value", name };
      break;
    }
    case "ClassProperty": {
      const name = p.value === cur ? keyName(p) : undefined;
      if (name !== undefined && isIdentifierName(name)) return { kind: "class-field", name };
      break;
    }
    case "CallExpression":
    case "OptionalCallExpression":
    case "NewExpression":
      if (p.callee !== cur) return { kind: "argument", callee: `${shown(p.callee as Node)}(…)` };
      break;
    case "AssignmentExpression":
      if (p.right === cur) return { kind: "assigned", target: shown(p.left as Node) };
      break;
  }
  return { kind: "other" };
}

/** Resolves the node an annotation comment leads to an annotated function, or fails. */
function target(ctx: Ctx, node: Node, comment: Comment): SaFunction {
  let decl: Node = node;
  let exportDecl = false;
  if (node.type === "ExportNamedDeclaration" || node.type === "ExportDefaultDeclaration") {
    if (!node.declaration) fail(ctx, "SA102", comment, MSG.precedesNothing("an export list"));
    decl = node.declaration;
    exportDecl = true;
  }
  const at = node;
  if (decl.type === "FunctionDeclaration") {
    checkFunctionShape(ctx, decl, at);
    if (!decl.id) fail(ctx, "SA105", at, MSG.anonymous({ kind: "default-export" }));
    const stmt = (exportDecl ? node : decl) as t.Statement;
    return declared(ctx, "function", decl.id.name, decl, decl, stmt, at, exportDecl);
  }
  if (decl.type === "VariableDeclaration") {
    const d = decl.declarations;
    const init = d.length === 1 ? d[0].init : undefined;
    if (!isFunctionValue(init)) fail(ctx, "SA102", comment, MSG.precedesNothing(describe(decl)));
    if (decl.kind !== "const" || d[0].id.type !== "Identifier") notConst(ctx, at, decl.kind);
    checkFunctionShape(ctx, init, at);
    const stmt = (exportDecl ? node : decl) as t.Statement;
    return declared(ctx, "const", (d[0].id as t.Identifier).name, init, decl, stmt, at, exportDecl);
  }
  if (isFunctionValue(decl)) fail(ctx, "SA105", at, MSG.anonymous(anonymousAt(ctx, decl)));
  if (decl.type === "ClassMethod" || decl.type === "ObjectMethod") {
    if (decl.kind === "get" || decl.kind === "set") {
      fail(
        ctx,
        "SA102",
        at,
        MSG.notAnnotatable(`a ${decl.kind}ter`, "Annotate a method instead (`async load() {}`)."),
      );
    }
    if (decl.kind === "constructor") {
      fail(
        ctx,
        "SA102",
        at,
        MSG.notAnnotatable("a constructor", "Annotate a method or a static factory method instead."),
      );
    }
    if ((decl as { decorators?: unknown[] | null }).decorators?.length) {
      // A decorator may replace the method (TypeScript's and Babel's legacy decorators do, after
      // the class body ran): the marker would sit on the replaced function and the generated
      // variant would not go through the decorator (fixture diagnostics/sa102-decorated-method).
      fail(
        ctx,
        "SA102",
        at,
        MSG.notAnnotatable(
          "a decorated method",
          "A decorator may replace the method, and the generated variant would not go through it. Annotate an undecorated method (or a module-level function) that the decorated one calls.",
        ),
      );
    }
    if (decl.type === "ClassMethod") decoratedClass(ctx, decl, at);
    checkFunctionShape(ctx, decl, at);
    const name = keyName(decl);
    if (name === undefined) {
      fail(
        ctx,
        "SA102",
        at,
        MSG.notAnnotatable("a method with a computed name", "Give the method a plain name."),
      );
    }
    notIdentifier(ctx, name, at);
    const isStatic = decl.type === "ClassMethod" && decl.static;
    return methodFunction(ctx, decl, decl, name, isStatic, at);
  }
  if (decl.type === "ObjectProperty") {
    const value = decl.value as Node;
    const name = keyName(decl);
    if (isFunctionValue(value) && name !== undefined) {
      notIdentifier(ctx, name, at);
      checkFunctionShape(ctx, value, at);
      return methodFunction(ctx, decl, value, name, false, at);
    }
    fail(ctx, "SA102", comment, MSG.precedesNothing("an object property that is not a function"));
  }
  if (decl.type === "ClassPrivateMethod") {
    fail(
      ctx,
      "SA102",
      at,
      MSG.notAnnotatable("a private method", "Use a public method name; variants are looked up by name."),
    );
  }
  if (decl.type === "TSDeclareFunction" || decl.type === "TSDeclareMethod") {
    fail(
      ctx,
      "SA102",
      at,
      MSG.notAnnotatable(
        "an overload signature or a `declare` function",
        "Put the annotation on the implementation, the signature that has a body.",
      ),
    );
  }
  if (decl.type === "ClassProperty" && /Function/.test(decl.value?.type ?? "")) {
    fail(ctx, "SA102", at, MSG.notAnnotatable("a class field", "Write it as a method: `async load() {}`."));
  }
  return fail(ctx, "SA102", comment, MSG.precedesNothing(describe(decl)));
}

/**
 * How a file reaches the runtime's `smartasync` wrapper: local names of the function itself
 * (`import { smartasync as sa } from …`, CommonJS's `const { smartasync: wrap } = require(…)` at
 * the top level with the free `require`; attack17 F16, fixture typescript/typed-form-require),
 * and local names of the runtime's module object (`import * as sa from …`, `const sa =
 * require(…)`), whose `sa.smartasync(fn)` is the wrapper too; `require(…).smartasync(fn)` is
 * recognised where it is called (fixtures typescript/typed-form-module-object,
 * typescript/typed-form-require-object). Each name maps to the node that declares it.
 */
interface Wrappers {
  names: Map<string, Node>;
  objects: Map<string, Node>;
  /**
   * Whether the text has a member named `smartasync` (`.smartasync`, `["smartasync"]`): only
   * then can a module object's wrapper be called (compiled output's `_sa` never is).
   */
  member: boolean;
}

/** `require("<runtime>")` with the free `require`. */
function requiresRuntime(ctx: Ctx, n: Node | null | undefined): boolean {
  return (
    n?.type === "CallExpression" &&
    n.callee.type === "Identifier" &&
    n.callee.name === "require" &&
    n.arguments.length === 1 &&
    n.arguments[0]!.type === "StringLiteral" &&
    n.arguments[0]!.value === ctx.options.runtime &&
    ctx.scopes.binding(n.callee, "require") === undefined
  );
}

function wrapperNames(ctx: Ctx): Wrappers {
  const names = new Map<string, Node>();
  const objects = new Map<string, Node>();
  for (const s of ctx.program.body) {
    if (s.type === "ImportDeclaration" && s.source.value === ctx.options.runtime) {
      if (s.importKind === "type") continue;
      for (const sp of s.specifiers) {
        if (sp.type === "ImportNamespaceSpecifier") {
          objects.set(sp.local.name, sp);
          continue;
        }
        if (sp.type !== "ImportSpecifier" || sp.importKind === "type") continue;
        const imported = sp.imported.type === "Identifier" ? sp.imported.name : sp.imported.value;
        if (imported === "smartasync") names.set(sp.local.name, sp);
      }
    } else if (s.type === "VariableDeclaration" && s.kind === "const") {
      for (const d of s.declarations) {
        if (!requiresRuntime(ctx, d.init as Node | null)) continue;
        if (d.id.type === "Identifier") {
          objects.set(d.id.name, d);
          continue;
        }
        if (d.id.type !== "ObjectPattern") continue;
        for (const p of d.id.properties) {
          if (p.type !== "ObjectProperty" || p.computed || p.value.type !== "Identifier") continue;
          const key =
            p.key.type === "Identifier" ? p.key.name : p.key.type === "StringLiteral" ? p.key.value : "";
          if (key === "smartasync") names.set(p.value.name, d);
        }
      }
    }
  }
  return { names, objects, member: memberWrapperIn(ctx.code) };
}

/**
 * Whether `code` names the wrapper as a member: exactly
 * `/\.\s*smartasync\b|\[\s*["'`]smartasync["'`]\s*\]/.test(code)`, read around each `smartasync`
 * the native `indexOf` finds (every match holds the word). The regex's pass over the whole text
 * was most of `wrapperNames`' time, 0.55% of `smartasync/swc`'s samples on the appended real
 * files (docs/performance.md, "(2026-12-08)"); test/core/global-names.test.ts compares the two.
 */
export function memberWrapperIn(code: string): boolean {
  const n = code.length;
  for (let at = code.indexOf("smartasync"); at >= 0; at = code.indexOf("smartasync", at + 1)) {
    const end = at + 10;
    let before = at - 1;
    while (before >= 0 && isRegexSpace(code.charCodeAt(before))) before--;
    // `.smartasync`, `. smartasync`, a word boundary after it.
    if (code.charCodeAt(before) === 46 && !isRegexWordChar(code.charCodeAt(end))) return true;
    // `["smartasync"]`, `[ 'smartasync' ]` (either quote on either side).
    if (!isQuote(code.charCodeAt(at - 1)) || !isQuote(code.charCodeAt(end))) continue;
    let open = at - 2;
    while (open >= 0 && isRegexSpace(code.charCodeAt(open))) open--;
    if (code.charCodeAt(open) !== 91) continue;
    let close = end + 1;
    while (close < n && isRegexSpace(code.charCodeAt(close))) close++;
    if (code.charCodeAt(close) === 93) return true;
  }
  return false;
}

/** `"`, `'` or a backtick. */
function isQuote(c: number): boolean {
  return c === 34 || c === 39 || c === 96;
}

/** Whether a callee is the runtime's wrapper (`smartasync`, `sa.smartasync`, `require(…).smartasync`). */
function isWrapper(ctx: Ctx, callee: Node, w: Wrappers): boolean {
  if (callee.type === "Identifier") {
    if (!w.names.has(callee.name)) return false;
    // The wrapper's own declaration, not a local of the same name.
    const b = ctx.scopes.binding(callee, callee.name);
    return b !== undefined && b.node === w.names.get(callee.name) && b.violations.length === 0;
  }
  if (callee.type !== "MemberExpression" || !w.member) return false;
  const key = callee.computed
    ? callee.property.type === "StringLiteral"
      ? callee.property.value
      : undefined
    : callee.property.type === "Identifier"
      ? callee.property.name
      : undefined;
  if (key !== "smartasync") return false;
  const o = callee.object as Node;
  if (o.type === "Identifier") {
    if (!w.objects.has(o.name)) return false;
    const b = ctx.scopes.binding(o, o.name);
    return b !== undefined && b.node === w.objects.get(o.name) && b.violations.length === 0;
  }
  return requiresRuntime(ctx, o);
}

/** `const load = smartasync(async (id) => ...)`: the typed form, recognised like the comment. */
function wrapped(ctx: Ctx, decl: t.VariableDeclaration, w: Wrappers): SaFunction | undefined {
  if (decl.declarations.length !== 1) return undefined;
  const d = decl.declarations[0];
  const init = d.init;
  if (init?.type !== "CallExpression" || !isWrapper(ctx, init.callee as Node, w)) return undefined;
  const arg = init.arguments[0] as Node | undefined;
  const parent = ctx.tree.parent(decl);
  const exportDecl = parent?.type === "ExportNamedDeclaration";
  const at = exportDecl ? parent : decl;
  if (!isFunctionValue(arg)) {
    fail(
      ctx,
      "SA102",
      at,
      MSG.notAnnotatable(
        "this `smartasync(...)` call",
        "Pass a function written in place: `smartasync(async (id) => ...)`.",
      ),
    );
  }
  if (decl.kind !== "const" || d.id.type !== "Identifier") notConst(ctx, at, decl.kind);
  checkFunctionShape(ctx, arg, at);
  const stmt = (exportDecl ? parent : decl) as t.Statement;
  const fn = declared(ctx, "const", (d.id as t.Identifier).name, arg, decl, stmt, at, exportDecl);
  fn.wrapper = init;
  return fn;
}

/**
 * Where a wrapper call the typed form did not take (`wrapped`) gives its function a name a
 * caller reaches it by, which the build would not follow (attack29 F10): an object property's
 * value, a class field, `export default`, an assignment (`exports.load = smartasync(…)`), one of
 * several declarators. Undefined elsewhere (`typeof smartasync(fn)`, an argument): no name.
 */
function unboundWrapperPosition(ctx: Ctx, call: Node): string | undefined {
  let n = call;
  let parent = ctx.tree.parent(n);
  while (parent && TRANSPARENT.has(parent.type)) {
    n = parent;
    parent = ctx.tree.parent(n);
  }
  if (!parent) return undefined;
  if (parent.type === "ObjectProperty" && parent.value === n) return "the value of an object property";
  if ((parent.type === "ClassProperty" || parent.type === "ClassPrivateProperty") && parent.value === n)
    return "the value of a class field";
  if (parent.type === "ExportDefaultDeclaration") return "`export default`";
  if (parent.type === "AssignmentExpression" && parent.right === n)
    return "the value of an assignment (`exports.load = …`, `obj.load = …`)";
  if (parent.type === "VariableDeclarator" && parent.init === n)
    return "one of several names declared together";
  return undefined;
}

/**
 * For each comment, the offset of the first token after it, past whitespace and further
 * comments. Computed once from the last comment back, so a run of N comments costs N steps, not
 * N² (security review: 20,000 stray `// @smartasync` lines took 7.8 s).
 */
export function tokensAfter(code: string, comments: readonly Comment[]): number[] {
  const next = new Array<number>(comments.length);
  for (let k = comments.length - 1; k >= 0; k--) {
    let i = comments[k].end ?? 0;
    while (i < code.length && /\s/.test(code[i])) i++;
    next[k] = k + 1 < comments.length && comments[k + 1].start === i ? next[k + 1] : i;
  }
  return next;
}

/**
 * Names a declared variant can never take: reserved words (the declaration would not parse) and
 * the names strict code cannot bind. Globals (`String`, `undefined`) are refused beside these
 * (GLOBAL_NAMES): the variant would hide them in the module (the adversarial review's
 * `sync=undefined` made `v === undefined` false).
 */
const UNUSABLE_NAMES = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false " +
    "finally for function if import in instanceof new null return super switch this throw true try " +
    "typeof var void while with await yield let static implements interface package private protected " +
    "public arguments eval"
  ).split(" "),
);

/**
 * The globals a variant name may not hide: the ECMAScript global object's properties, and the
 * names Node and browsers both give every module (or CommonJS gives each file). A fixed list,
 * not `name in globalThis`, so a report does not depend on the Node version that built it.
 */
const GLOBAL_NAMES = new Set([
  ...TYPED_ARRAYS,
  ...(
    "globalThis Infinity NaN undefined eval isFinite isNaN parseFloat parseInt decodeURI " +
    "decodeURIComponent encodeURI encodeURIComponent escape unescape AggregateError Array " +
    "ArrayBuffer Atomics BigInt Boolean DataView Date Error EvalError " +
    "FinalizationRegistry Function " +
    "Iterator JSON Map Math Number Object Promise Proxy RangeError ReferenceError " +
    "Reflect RegExp Set SharedArrayBuffer String Symbol SyntaxError TypeError " +
    "URIError WeakMap WeakRef WeakSet " +
    "console process Buffer global require module exports __dirname __filename setTimeout " +
    "clearTimeout setInterval clearInterval setImmediate clearImmediate queueMicrotask " +
    "structuredClone fetch Request Response Headers FormData URL URLSearchParams TextEncoder " +
    "TextDecoder AbortController AbortSignal Event EventTarget Blob File performance crypto atob " +
    "btoa navigator WebAssembly BroadcastChannel MessageChannel MessagePort Worker window self " +
    "document location"
  ).split(" "),
]);

/** Why `name` cannot name a generated function (a reserved word, a global), or undefined. */
function unusableName(name: string): string | undefined {
  if (UNUSABLE_NAMES.has(name)) return "a reserved word: a function of that name would not parse";
  if (GLOBAL_NAMES.has(name))
    return `a global of JavaScript or Node: a function of that name would hide the global \`${name}\` in this module`;
  return undefined;
}

/**
 * `// @smartasync factory`: a function declaration or a `const` bound to a function, not async,
 * exported through its own declaration or not at all (the twin goes right after it, exported the
 * same way). Fails with SA101/SA102 on anything else.
 */
function factoryTarget(ctx: Ctx, node: Node, comment: Comment, names: VariantNames | undefined): SaFactory {
  const refuse = (what: string): never =>
    fail(
      ctx,
      "SA102",
      comment,
      MSG.notAnnotatable(
        `${what} as a factory`,
        "`@smartasync factory` goes on a function declaration or a `const` bound to a function that returns an object of annotated methods (`return { /* @smartasync */ async load() {…} }`).",
      ),
    );
  let decl: Node = node;
  const exportDecl = node.type === "ExportNamedDeclaration";
  if (node.type === "ExportDefaultDeclaration")
    fail(
      ctx,
      "SA102",
      comment,
      MSG.notAnnotatable(
        "a default export as a factory",
        "Its twin would need a name of its own to be exported by: declare the factory with a name and export it by its declaration (`export function createLoader`).",
      ),
    );
  if (exportDecl) {
    if (!node.declaration) refuse("an export list");
    decl = node.declaration!;
  }
  let name: string;
  let fn: t.Function;
  let form: SaFactory["form"];
  if (decl.type === "FunctionDeclaration" && decl.id) {
    name = decl.id.name;
    fn = decl;
    form = "function";
  } else if (
    decl.type === "VariableDeclaration" &&
    decl.kind === "const" &&
    decl.declarations.length === 1 &&
    decl.declarations[0].id.type === "Identifier" &&
    isFunctionValue(decl.declarations[0].init)
  ) {
    name = decl.declarations[0].id.name;
    fn = decl.declarations[0].init;
    form = "const";
  } else return refuse(describe(decl));
  if (fn.async || fn.generator)
    fail(
      ctx,
      "SA102",
      comment,
      MSG.notAnnotatable(
        `${fn.async ? "an async function" : "a generator"} as a factory`,
        `A factory returns its object of methods as it is made; its twin gives the same object with sync methods. Make \`${name}\` a plain function, or annotate it \`// @smartasync\` without \`factory\`.`,
      ),
    );
  if (names?.async !== undefined)
    fail(
      ctx,
      "SA101",
      comment,
      MSG.variantWord(
        name,
        `\`async=${names.async}\` names an async variant, but the twin of a factory is its sync face. Write \`sync=${names.async}\`.`,
      ),
    );
  const variant = names?.sync ?? variantName(name, "async", ctx.options);
  const bad = unusableName(variant);
  if (bad)
    fail(ctx, "SA101", comment, MSG.variantWord(name, `\`sync=${variant}\` is ${bad}. Choose another name.`));
  if (variant === name)
    fail(
      ctx,
      "SA101",
      comment,
      MSG.variantWord(
        name,
        `\`sync=${variant}\` names the factory itself; its twin needs a name of its own.`,
      ),
    );
  return {
    name,
    form,
    fn,
    stmt: node as t.Statement,
    exportDecl,
    loc: posIn(ctx, node) ?? { line: 0, column: 0 },
    variant,
    holders: new Map(),
  };
}

/**
 * `sync=` / `async=` on the annotation (SA101 when it cannot apply): the variant of a function or
 * `const` function takes that name. A method's variant keeps the suffix: a call on an object of
 * unknown class finds it by name (`callSync`).
 */
function nameVariant(ctx: Ctx, fn: SaFunction, names: VariantNames, comment: Comment): void {
  const want = variantKind(fn.kind);
  const other = want === "sync" ? "async" : "sync";
  if (names[other] !== undefined)
    fail(
      ctx,
      "SA101",
      comment,
      MSG.variantWord(
        fn.display,
        `\`${other}=${names[other]}\` names ${other === "async" ? "an" : "a"} ${other} variant, but \`${fn.display}\` is ${fn.kind}: its variant is the ${want} one. Write \`${want}=${names[other]}\`.`,
      ),
    );
  if (fn.form !== "function" && fn.form !== "const")
    fail(
      ctx,
      "SA101",
      comment,
      MSG.variantWord(
        fn.display,
        `a method's variant keeps the \`${want === "sync" ? "syncSuffix" : "asyncSuffix"}\` (a call on an object of unknown class finds it by that name). Remove \`${want}=${names[want]}\`, or name the variant with the suffix option.`,
      ),
    );
  const name = names[want]!;
  if (UNUSABLE_NAMES.has(name) || GLOBAL_NAMES.has(name))
    fail(
      ctx,
      "SA101",
      comment,
      MSG.variantWord(
        fn.display,
        `\`${want}=${name}\` is ${UNUSABLE_NAMES.has(name) ? "a reserved word" : "a global of JavaScript or Node"}: a variant of that name would ${UNUSABLE_NAMES.has(name) ? "not parse" : `hide the global \`${name}\` in this module`}. Choose another name.`,
      ),
    );
  if (name === fn.name)
    fail(
      ctx,
      "SA101",
      comment,
      MSG.variantWord(
        fn.display,
        `\`${want}=${name}\` names the function itself; a variant needs a name of its own.`,
      ),
    );
  fn.variant = name;
  fn.explicitVariant = true;
}

/** The calls a returned value is (through parentheses, type assertions and the branches of `?:`). */
function callsOf(v: Node): Node[] {
  const e = strip(v);
  if (e.type === "ConditionalExpression")
    return [...callsOf(e.consequent as Node), ...callsOf(e.alternate as Node)];
  return e.type === "CallExpression" || e.type === "OptionalCallExpression" ? [e] : [];
}

/** The calls `fn` returns (`returnedValues`, `callsOf`). */
function returnedCalls(ctx: Ctx, fn: SaFunction): Node[] {
  return returnedValues(returnScan(ctx), fn.fn as Node).flatMap(callsOf);
}

/**
 * Which smartasync function `call` calls, if the build knows it: one of this file's annotated
 * functions (`fns`: their function nodes; a `const` form's wrapper argument for the typed form),
 * or an imported one (its fact's kind); not its explicit variant, which is a plain function.
 */
function smartasyncCallee(
  ctx: Ctx,
  call: Node,
  fns: ReadonlySet<Node>,
): { local: true } | { local: false; kind: string; explicit: boolean } | undefined {
  const callee = (call as t.CallExpression).callee as Node;
  const imported = ctx.imported?.resolve(callee);
  if (imported) return { local: false, kind: imported.fact.kind, explicit: imported.explicit };
  if (callee.type !== "Identifier") return undefined;
  const b = ctx.scopes.binding(callee, callee.name);
  if (!b) return undefined;
  const init = b.node.type === "VariableDeclarator" ? (b.node.init as Node | null | undefined) : undefined;
  // `const f = smartasync(async () => …)`: the typed form's function is the wrapper's argument.
  const wrapped = init?.type === "CallExpression" ? (init.arguments[0] as Node | undefined) : undefined;
  return [b.node, init, wrapped].some((n) => n !== undefined && n !== null && fns.has(n))
    ? { local: true }
    : undefined;
}

/**
 * The call of an async smartasync function `fn` returns, if any (`returnedCalls`): one of this
 * file's annotated functions already taken as async, or an imported one (`slowLoad(1)`,
 * `lib.slowLoad(1)`); not its explicit sync variant.
 */
function returnedAsyncCall(ctx: Ctx, fn: SaFunction, asyncFns: ReadonlySet<Node>): Node | undefined {
  return returnedCalls(ctx, fn).find((call) => {
    const known = smartasyncCallee(ctx, call, asyncFns);
    return known !== undefined && (known.local || (!known.explicit && known.kind === "async"));
  });
}

/**
 * A value `fn` returns, directly or through a `const` local (`const v = f(); return v`), that is
 * the value of a call the build does not know (issue 13): a function of a module with no facts,
 * a parameter, a member of an object it does not follow. Not a smartasync function of this file
 * or an imported one (`allFns`: those of the file; their colour is followed), nor a call
 * `proofOf` proves plain (`JSON.parse(s)`). Such a value may be a promise, which a sync function
 * would hand its sync callers silently; taken as async, the function's sync variant is an inline
 * copy that checks it at run time (the guard of "Proven or guarded").
 */
function returnedUnknownCall(ctx: Ctx, fn: SaFunction, allFns: ReadonlySet<Node>): Node | undefined {
  const values = returnedValues(returnScan(ctx), fn.fn as Node).flatMap((v) => {
    const e = strip(v);
    if (e.type !== "Identifier") return [v];
    // Through a local: the call its `const` holds (its one value).
    const b = ctx.scopes.binding(e, e.name);
    const init = b?.kind === "const" && b.node.type === "VariableDeclarator" ? b.node.init : undefined;
    return init ? [v, init as Node] : [v];
  });
  const calls = values.flatMap(callsOf);
  return calls.find(
    (call) => smartasyncCallee(ctx, call, allFns) === undefined && proofOf(ctx, call) !== "proven",
  );
}
/**
 * The colour of the annotated functions whose declared return type is unknown (return-type.ts;
 * attack 19, F3), read from the body where the annotation's words did not say it: a function
 * that returns a call of an async smartasync function returns its promise in the plain program,
 * so it is async (followed through this file's functions until nothing changes); so is one that
 * returns the value of a call the build does not know (`returnedUnknownCall`), which may be a
 * promise: its sync variant checks it at run time. Any other is sync. Each gets SA108, which
 * names the type, why it is unknown, what the function became and how to say it.
 */
function settleUnknownReturns(ctx: Ctx, found: SaFunction[]): void {
  const open = found.filter((f) => f.unknownReturn !== undefined && !f.unknownReturn.said);
  if (open.length === 0) return;
  const asyncFns = new Set(found.filter((f) => f.kind === "async").map((f) => f.fn as Node));
  const allFns = new Set(found.map((f) => f.fn as Node));
  // Until nothing changes: a function taken as async makes async the ones returning its calls.
  // Whether a call is unknown does not change (a call of this file's annotated functions is
  // never one: `allFns`), so the order the two are found in does not matter.
  for (let changed = true; changed; ) {
    changed = false;
    for (const f of open) {
      if (f.kind === "async") continue;
      const known = returnedAsyncCall(ctx, f, asyncFns);
      const call = known ?? returnedUnknownCall(ctx, f, allFns);
      if (call === undefined) continue;
      f.kind = "async";
      f.variant = variantName(f.name, "async", ctx.options);
      f.unknownReturn!.returned = { value: call, how: known ? "smartasync" : "unknown" };
      asyncFns.add(f.fn as Node);
      changed = true;
    }
  }
  for (const f of open) {
    const u = f.unknownReturn!;
    const returned = u.returned && { value: strip(u.returned.value), how: u.returned.how };
    warn(
      ctx,
      "SA108",
      u.type,
      MSG.unknownReturnType(
        f.display,
        sourceOf(ctx, u.type),
        sourceOf(ctx, u.part),
        u.why,
        returned && {
          text: /Call|New/.test(returned.value.type)
            ? callText(ctx, returned.value as t.CallExpression)
            : sourceOf(ctx, returned.value),
          how: returned.how,
        },
        f.variant,
        // A method's variant keeps the suffix: its annotation names none (nameVariant); the
        // typed form has no annotation.
        (f.form === "function" || f.form === "const") && !f.wrapper
          ? `${variantKind(f.kind)}=${f.variant}`
          : undefined,
      ),
    );
  }
}

/**
 * Finds every annotation and the function it marks (DESIGN §2); fails on misuse. A comment
 * leads the outermost node that starts at the next token, which is the node Babel attaches it
 * to as a leading comment (so both compilers read the same annotations).
 */
export function collectFunctions(ctx: Ctx, factories: SaFactory[] = []): SaFunction[] {
  const comments = ctx.comments;
  const annotations: { comment: Comment; index: number }[] = [];
  const named = new Map<Comment, VariantNames>();
  const factoryWords = new Set<Comment>();
  const sameThreadWords = new Set<Comment>();
  comments.forEach((c, index) => {
    const parsed = parseAnnotation(c.value, c.type === "CommentBlock");
    if (parsed.kind === "malformed") fail(ctx, "SA101", c, MSG.malformed(parsed.extra));
    if (parsed.kind === "annotation") {
      annotations.push({ comment: c, index });
      if (parsed.names) named.set(c, parsed.names);
      if (parsed.factory) factoryWords.add(c);
      if (parsed.sameThread) sameThreadWords.add(c);
    }
  });
  const found: SaFunction[] = [];
  const wrappers = wrapperNames(ctx);
  const anyWrapper = wrappers.names.size > 0 || wrappers.member;
  if (annotations.length === 0 && !anyWrapper) return found;
  // Offset of the next token → the annotations that lead whatever starts there.
  const leading = new Map<number, Comment[]>();
  const after = tokensAfter(ctx.code, comments);
  for (const a of annotations) {
    const next = after[a.index];
    const list = leading.get(next) ?? [];
    list.push(a.comment);
    leading.set(next, list);
  }
  const claimed = new Set<Comment>();
  // The wrapper calls the typed form took (`wrapped`), met again as the walk goes into them.
  const wrapperCalls = new Set<Node>();
  ctx.tree.walk(
    ctx.program,
    (n) => {
      const mine = n.start != null && n !== ctx.program ? leading.get(n.start) : undefined;
      if (mine) leading.delete(n.start!);
      if (anyWrapper && n.type === "VariableDeclaration") {
        const fn = wrapped(ctx, n, wrappers);
        if (fn) {
          wrapperCalls.add(fn.wrapper as Node);
          if (mine) {
            for (const c of mine) claimed.add(c);
            warn(ctx, "SA106", n, MSG.duplicate());
          }
          found.push(fn);
          return undefined;
        }
      }
      // The wrapper anywhere else that names its function: the callers the name reaches would
      // get the wrapper's promise in sync code, unrewritten and unreported (attack29 F10;
      // fixtures diagnostics/sa102-typed-form-*).
      if (
        anyWrapper &&
        n.type === "CallExpression" &&
        !wrapperCalls.has(n) &&
        isWrapper(ctx, n.callee as Node, wrappers)
      ) {
        const where = unboundWrapperPosition(ctx, n);
        if (where !== undefined)
          fail(
            ctx,
            "SA102",
            n,
            MSG.notAnnotatable(
              `this \`smartasync(...)\` call as ${where}`,
              "The typed form is a `const` bound to the call: write `const load = smartasync(async (id) => ...)` and use `load` there, or annotate a method with `// @smartasync`.",
            ),
          );
      }
      if (!mine) return undefined;
      for (const c of mine) claimed.add(c);
      if (factoryWords.has(mine[0])) {
        if (sameThreadWords.has(mine[0]))
          fail(
            ctx,
            "SA101",
            mine[0],
            MSG.variantWord(
              "the factory",
              "`same-thread` is for a sync function (its async variant then runs it on the calling thread); a factory's twin is a sync face. Remove `same-thread`.",
            ),
          );
        factories.push(factoryTarget(ctx, n, mine[0], named.get(mine[0])));
        if (mine.length > 1) warn(ctx, "SA106", mine[1], MSG.duplicate());
        // Its body is walked on: the methods of the objects it returns are annotated there.
        return undefined;
      }
      const fn = target(ctx, n, mine[0]);
      const names = named.get(mine[0]);
      // The annotation's words say the colour the declared type leaves open: `sync=` names the
      // sync variant of an async function, `async=` and `same-thread` are a sync function's. A
      // body that returns a promise (`readFile(p)`) is async whatever they say (SA101 below).
      if (fn.unknownReturn && (names || sameThreadWords.has(mine[0]))) {
        const said = names?.sync !== undefined ? "async" : "sync";
        if (!fn.unknownReturn.returned) fn.kind = said;
        if (fn.kind === said) fn.unknownReturn.said = true;
      }
      if (names) nameVariant(ctx, fn, names, mine[0]);
      if (sameThreadWords.has(mine[0])) {
        if (fn.kind !== "sync")
          fail(
            ctx,
            "SA101",
            mine[0],
            MSG.variantWord(
              fn.display,
              `\`same-thread\` keeps a sync function's async variant on the calling thread, but \`${fn.display}\` is async: its variant is the sync one. Remove \`same-thread\`.`,
            ),
          );
        fn.sameThread = true;
      }
      found.push(fn);
      if (mine.length > 1) warn(ctx, "SA106", mine[1], MSG.duplicate());
      return undefined;
      // Annotated statements are never closed; a wrapper call may be anywhere.
    },
    !anyWrapper,
  );
  for (const a of annotations)
    if (!claimed.has(a.comment))
      fail(ctx, "SA102", a.comment, MSG.precedesNothing("nothing it can attach to"));
  settleUnknownReturns(ctx, found);
  // Two functions of one scope whose generated variants take one name (`sync=bSync` on `a`
  // beside an annotated `b`): the second declaration would replace the first, so a call would
  // silently run the other body (adversarial review). SA103 at the second.
  const taken = new Map<unknown, Map<string, SaFunction>>();
  for (const fn of found) {
    if (fn.form !== "function" && fn.form !== "const") continue;
    const scope = ctx.scopes.scopeOf(
      fn.form === "function" ? (ctx.tree.parent(fn.fn) ?? fn.fn) : (fn.stmt as Node),
    );
    const names = taken.get(scope) ?? new Map<string, SaFunction>();
    taken.set(scope, names);
    if (names.has(fn.variant))
      fail(
        ctx,
        "SA103",
        fn.fn,
        MSG.clash(fn.variant, fn.display, fn.kind === "async" ? "syncSuffix" : "asyncSuffix", false),
      );
    names.set(fn.variant, fn);
  }
  return found;
}
