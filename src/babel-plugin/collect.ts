import type { NodePath, types as t } from "@babel/core";
import { parseAnnotation } from "../core/annotation.js";
import { MSG, UNREACHABLE } from "../core/messages.js";
import { variantName } from "../core/naming.js";
import type { FunctionKind } from "../core/strategy.js";
import { hasPromiseReturnType } from "./babel-view.js";
import { type Ctx, fail, posOf, warn } from "./ctx.js";
import type { Form, SaFunction } from "./model.js";

type Comment = t.Comment;

/** Whether a method body uses `this`/`super` (arrow functions see the method's own). */
function thisUse(fn: NodePath<t.Function>): "this" | "super" | undefined {
  let found: "this" | "super" | undefined;
  fn.traverse({
    Function(p) {
      if (!p.isArrowFunctionExpression()) p.skip();
    },
    ThisExpression(p) {
      found ??= "this";
      p.stop();
    },
    Super(p) {
      found ??= "super";
      p.stop();
    },
  });
  return found;
}

function isModuleLevel(stmt: NodePath): boolean {
  const p = stmt.parentPath;
  if (p?.isProgram()) return true;
  return (
    (p?.isExportNamedDeclaration() || p?.isExportDefaultDeclaration()) === true && p.parentPath!.isProgram()
  );
}

function describe(node: t.Node): string {
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

function kindOf(fn: NodePath<t.Function>): FunctionKind {
  return fn.node.async || hasPromiseReturnType(fn) ? "async" : "sync";
}

function keyName(node: { key: t.Node; computed?: boolean }): string | undefined {
  if (node.computed) return node.key.type === "StringLiteral" ? node.key.value : undefined;
  if (node.key.type === "Identifier") return node.key.name;
  if (node.key.type === "StringLiteral") return node.key.value;
  return undefined;
}

function checkFunctionShape(ctx: Ctx, fn: NodePath<t.Function>, at: t.Node): void {
  if (fn.node.generator) {
    fail(
      ctx,
      "SA102",
      at,
      MSG.notAnnotatable(
        fn.node.async ? "an async generator" : "a generator",
        "Generators are not supported yet; annotate a plain function that collects their values.",
      ),
    );
  }
}

/** The class a member belongs to and the name it is known by at module level, if any. */
function classInfo(member: NodePath): { holder: NodePath; name: string | undefined; moduleLevel: boolean } {
  const holder = member.parentPath!.parentPath!;
  const node = holder.node as t.Class;
  let name = node.id?.name;
  let stmt: NodePath | null = holder;
  if (holder.isClassExpression()) {
    const decl = holder.parentPath;
    if (decl?.isVariableDeclarator() && decl.node.id.type === "Identifier") {
      name ??= decl.node.id.name;
      stmt = decl.parentPath;
    } else {
      stmt = null;
    }
  }
  return { holder, name, moduleLevel: stmt !== null && isModuleLevel(stmt) };
}

function objectInfo(member: NodePath): { holder: NodePath; name: string | undefined; moduleLevel: boolean } {
  const holder = member.parentPath!;
  const decl = holder.parentPath;
  if (decl?.isVariableDeclarator() && decl.node.id.type === "Identifier") {
    const stmt = decl.parentPath as NodePath<t.VariableDeclaration>;
    return {
      holder,
      name: decl.node.id.name,
      moduleLevel: stmt.node.kind === "const" && isModuleLevel(stmt),
    };
  }
  return { holder, name: undefined, moduleLevel: false };
}

function base(
  ctx: Ctx,
  init: {
    name: string;
    display: string;
    form: Form;
    fn: NodePath<t.Function>;
    stmt?: NodePath<t.Statement>;
    member?: NodePath;
    holder?: NodePath;
    isStatic?: boolean;
    at: t.Node;
    reachable: boolean;
    unreachableWhy?: string;
    registerKey: string;
    exportDecl?: boolean;
  },
): SaFunction {
  const kind = kindOf(init.fn);
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
    loc: posOf(init.at) ?? { line: 0, column: 0 },
    variant: variantName(init.name, kind, ctx.options),
    reachable: init.reachable,
    unreachableWhy: init.unreachableWhy,
    registerKey: init.registerKey,
    exportedAs: [],
    exportDecl: init.exportDecl ?? false,
    syncPlan: undefined,
    leaves: new Map(),
    leafCallees: new Map(),
    located: [],
    asyncStrategy: undefined,
  };
}

function methodFunction(
  ctx: Ctx,
  member: NodePath,
  fn: NodePath<t.Function>,
  name: string,
  isStatic: boolean,
  at: t.Node,
): SaFunction {
  const isClass = member.parentPath!.isClassBody();
  const info = isClass ? classInfo(member) : objectInfo(member);
  const owner = info.name ?? (isClass ? "<class>" : "<object>");
  const key = isClass && !isStatic ? `${owner}.prototype.${name}` : `${owner}.${name}`;
  const use = thisUse(fn);
  let why: string | undefined;
  if (!info.moduleLevel) {
    why = isClass
      ? info.name
        ? UNREACHABLE.localClass
        : UNREACHABLE.localClass
      : UNREACHABLE.anonymousObject;
  } else if (use) {
    why = use === "this" ? UNREACHABLE.usesThis : UNREACHABLE.usesSuper;
  }
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

/** A function declaration or a `const` bound to a function: named, reachable at module level. */
function declared(
  ctx: Ctx,
  form: "function" | "const",
  name: string,
  fn: NodePath<t.Function>,
  decl: NodePath,
  stmt: NodePath<t.Statement>,
  at: t.Node,
  exportDecl: boolean,
): SaFunction {
  const reachable = isModuleLevel(decl);
  return base(ctx, {
    name,
    display: name,
    form,
    fn,
    stmt,
    at,
    reachable,
    unreachableWhy: reachable ? undefined : UNREACHABLE.closure,
    registerKey: name,
    exportDecl,
  });
}

/** `a \`let\` binding`: the SA102 for a function not bound with `const`. */
function notConst(ctx: Ctx, at: t.Node, kind: string): never {
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

/** Resolves the node an annotation comment leads to an annotated function, or fails. */
function target(ctx: Ctx, path: NodePath, comment: Comment): SaFunction {
  let decl: NodePath = path;
  let exportDecl = false;
  if (path.isExportNamedDeclaration() || path.isExportDefaultDeclaration()) {
    const d = path.get("declaration") as NodePath;
    if (!d.node) fail(ctx, "SA102", comment, MSG.precedesNothing("an export list"));
    decl = d;
    exportDecl = true;
  }
  const at = path.node;
  if (decl.isFunctionDeclaration()) {
    checkFunctionShape(ctx, decl, at);
    if (!decl.node.id) fail(ctx, "SA105", at, MSG.anonymous());
    const stmt = (exportDecl ? path : decl) as NodePath<t.Statement>;
    return declared(ctx, "function", decl.node.id.name, decl, decl, stmt, at, exportDecl);
  }
  if (decl.isVariableDeclaration()) {
    const d = decl.node.declarations;
    const init = d.length === 1 ? (decl.get("declarations.0.init") as NodePath) : undefined;
    if (!init?.isArrowFunctionExpression() && !init?.isFunctionExpression()) {
      fail(ctx, "SA102", comment, MSG.precedesNothing(describe(decl.node)));
    }
    if (decl.node.kind !== "const" || d[0].id.type !== "Identifier") notConst(ctx, at, decl.node.kind);
    checkFunctionShape(ctx, init, at);
    const stmt = (exportDecl ? path : decl) as NodePath<t.Statement>;
    return declared(ctx, "const", (d[0].id as t.Identifier).name, init, decl, stmt, at, exportDecl);
  }
  if (decl.isFunctionExpression() || decl.isArrowFunctionExpression())
    fail(ctx, "SA105", at, MSG.anonymous());
  if (decl.isClassMethod() || decl.isObjectMethod()) {
    const node = decl.node;
    if (node.kind === "get" || node.kind === "set") {
      fail(
        ctx,
        "SA102",
        at,
        MSG.notAnnotatable(`a ${node.kind}ter`, "Annotate a method instead (`async load() {}`)."),
      );
    }
    if (node.kind === "constructor") {
      fail(
        ctx,
        "SA102",
        at,
        MSG.notAnnotatable("a constructor", "Annotate a method or a static factory method instead."),
      );
    }
    checkFunctionShape(ctx, decl as NodePath<t.Function>, at);
    const name = keyName(node);
    if (name === undefined) {
      fail(
        ctx,
        "SA102",
        at,
        MSG.notAnnotatable("a method with a computed name", "Give the method a plain name."),
      );
    }
    const isStatic = decl.isClassMethod() && decl.node.static;
    return methodFunction(ctx, decl, decl as NodePath<t.Function>, name, isStatic, at);
  }
  if (decl.isObjectProperty()) {
    const value = decl.get("value") as NodePath;
    const name = keyName(decl.node);
    if ((value.isArrowFunctionExpression() || value.isFunctionExpression()) && name !== undefined) {
      checkFunctionShape(ctx, value, at);
      return methodFunction(ctx, decl, value, name, false, at);
    }
    fail(ctx, "SA102", comment, MSG.precedesNothing("an object property that is not a function"));
  }
  if (decl.isClassPrivateMethod()) {
    fail(
      ctx,
      "SA102",
      at,
      MSG.notAnnotatable("a private method", "Use a public method name; variants are looked up by name."),
    );
  }
  if (decl.isTSDeclareFunction() || decl.isTSDeclareMethod()) {
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
  if (decl.isClassProperty() && /Function/.test(decl.node.value?.type ?? "")) {
    fail(ctx, "SA102", at, MSG.notAnnotatable("a class field", "Write it as a method: `async load() {}`."));
  }
  return fail(ctx, "SA102", comment, MSG.precedesNothing(describe(decl.node)));
}

/** Local names of the runtime's `smartasync` wrapper (`import { smartasync as sa } from …`). */
function wrapperNames(ctx: Ctx, program: NodePath<t.Program>): Set<string> {
  const names = new Set<string>();
  for (const s of program.node.body) {
    if (s.type !== "ImportDeclaration" || s.source.value !== ctx.options.runtime) continue;
    for (const sp of s.specifiers) {
      if (sp.type !== "ImportSpecifier") continue;
      const imported = sp.imported.type === "Identifier" ? sp.imported.name : sp.imported.value;
      if (imported === "smartasync") names.add(sp.local.name);
    }
  }
  return names;
}

/** `const load = smartasync(async (id) => ...)`: the typed form, recognised like the comment. */
function wrapped(
  ctx: Ctx,
  decl: NodePath<t.VariableDeclaration>,
  names: Set<string>,
): SaFunction | undefined {
  if (decl.node.declarations.length !== 1) return undefined;
  const d = decl.node.declarations[0];
  const init = d.init;
  if (init?.type !== "CallExpression" || init.callee.type !== "Identifier" || !names.has(init.callee.name))
    return undefined;
  const binding = decl.scope.getBinding(init.callee.name);
  if (binding?.kind !== "module") return undefined;
  const arg = decl.get("declarations.0.init.arguments.0") as NodePath;
  const at = (decl.parentPath.isExportNamedDeclaration() ? decl.parentPath.node : decl.node) as t.Node;
  if (!arg?.isArrowFunctionExpression() && !arg?.isFunctionExpression()) {
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
  if (decl.node.kind !== "const" || d.id.type !== "Identifier") notConst(ctx, at, decl.node.kind);
  checkFunctionShape(ctx, arg, at);
  const exportDecl = decl.parentPath.isExportNamedDeclaration();
  const stmt = (exportDecl ? decl.parentPath : decl) as NodePath<t.Statement>;
  const fn = declared(ctx, "const", (d.id as t.Identifier).name, arg, decl, stmt, at, exportDecl);
  fn.wrapper = init;
  return fn;
}

/** Finds every annotation and the function it marks (DESIGN §2); fails on misuse. */
export function collectFunctions(ctx: Ctx, program: NodePath<t.Program>): SaFunction[] {
  const comments = (ctx.file.ast.comments ?? []) as Comment[];
  const pending = new Map<number, Comment>();
  for (const c of comments) {
    const parsed = parseAnnotation(c.value, c.type === "CommentBlock");
    if (parsed.kind === "malformed") fail(ctx, "SA101", c, MSG.malformed(parsed.extra));
    if (parsed.kind === "annotation") pending.set(c.start ?? -1, c);
  }
  const found: SaFunction[] = [];
  const wrappers = wrapperNames(ctx, program);
  if (pending.size === 0 && wrappers.size === 0) return found;
  const starts = new Set(pending.keys());
  program.traverse({
    enter(path) {
      // Babel also hangs a leading comment on the previous node as trailing; drop that copy so
      // the annotation stays with its function when variants are inserted between them.
      const trail = path.node.trailingComments;
      if (trail?.some((c) => starts.has(c.start ?? -1))) {
        path.node.trailingComments = trail.filter((c) => !starts.has(c.start ?? -1));
      }
      if (wrappers.size && path.isVariableDeclaration()) {
        const fn = wrapped(ctx, path, wrappers);
        if (fn) {
          if (path.node.leadingComments?.some((c) => pending.has(c.start ?? -1))) {
            for (const c of path.node.leadingComments) pending.delete(c.start ?? -1);
            warn(ctx, "SA106", path.node, MSG.duplicate());
          }
          found.push(fn);
          return;
        }
      }
      const lead = path.node.leadingComments;
      if (!lead) return;
      const mine = lead.filter((c) => pending.has(c.start ?? -1));
      if (mine.length === 0) return;
      for (const c of mine) pending.delete(c.start ?? -1);
      // The comments above an annotated function belong to it, not to the statement before it
      // (Babel hangs them on both): variants go in between (fixture annotations/comment-placement).
      const prev = path.getPrevSibling();
      const prevTrail = prev.node?.trailingComments;
      if (prevTrail) {
        const own = new Set(lead.map((c) => c.start));
        prev.node!.trailingComments = prevTrail.filter((c) => !own.has(c.start));
      }
      const fn = target(ctx, path, mine[0]);
      if (mine.length > 1) warn(ctx, "SA106", mine[1], MSG.duplicate());
      found.push(fn);
    },
  });
  for (const c of pending.values()) fail(ctx, "SA102", c, MSG.precedesNothing("nothing it can attach to"));
  return found;
}
