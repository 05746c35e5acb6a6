import type { types as t } from "@babel/core";
import type { NodeView, Slot, ViewKind } from "../node-view.js";
import { declaredReturnKind } from "./return-type.js";
import type { Scopes } from "./scope.js";
import { isFunction, type Node, type Tree } from "./tree.js";

/** Parentheses and TS wrappers: they change neither a value nor where it flows. */
export const TRANSPARENT = new Set([
  "ParenthesizedExpression",
  "TSAsExpression",
  "TSSatisfiesExpression",
  "TSNonNullExpression",
  "TSTypeAssertion",
  "TSInstantiationExpression",
  "TypeCastExpression",
]);

const KIND: Record<string, ViewKind> = {
  CallExpression: "call",
  OptionalCallExpression: "call",
  NewExpression: "new",
  AwaitExpression: "await",
  SequenceExpression: "sequence",
  ConditionalExpression: "conditional",
  LogicalExpression: "logical",
  MemberExpression: "member",
  OptionalMemberExpression: "member",
  ArrayExpression: "array",
  ExpressionStatement: "expression-statement",
  ReturnStatement: "return",
  Program: "program",
};

/**
 * A declared return type that is (or may be) a promise makes a function async (DESIGN §3.1):
 * `Promise<T>`, `PromiseLike<T>`, `globalThis.Promise<T>`, a local alias or interface of one, a
 * union with one (return-type.ts). `program` resolves the file's own type names.
 */
export function hasPromiseReturnType(fn: Node, program?: Node): boolean {
  return declaredReturnKind(fn, program) === "promise";
}

export function isAsyncFunction(fn: Node, program?: Node): boolean {
  return (fn as { async?: boolean }).async === true || hasPromiseReturnType(fn, program);
}

/** The static name of a member expression's property (`a.b`, `a["b"]`), else undefined. */
export function memberName(node: Node): string | undefined {
  const m = node as { computed?: boolean; property?: Node };
  if (!m.property) return undefined;
  if (!m.computed && m.property.type === "Identifier") return m.property.name;
  if (m.computed && m.property.type === "StringLiteral") return m.property.value;
  return undefined;
}

/** Class members whose code runs when the class is created (or instantiated), not in a method. */
const CLASS_FIELDS = new Set(["ClassProperty", "ClassPrivateProperty", "ClassAccessorProperty"]);

/**
 * The function whose code `n` runs in, or `undefined` for code that is synchronous whatever
 * encloses it: the module, a class field initializer (instance or static) and a `static {}`
 * block run as part of creating the class or the instance, never inside the enclosing
 * function's `await`s (fixture contexts/class-fields-in-async).
 */
export function codeParent(tree: Tree, n: Node): t.Function | undefined {
  for (let cur = n, p = tree.parent(n); p !== undefined; cur = p, p = tree.parent(p)) {
    if (isFunction(p)) return p as t.Function;
    if (p.type === "StaticBlock") return undefined;
    if (CLASS_FIELDS.has(p.type) && tree.link(cur)?.key === "value") return undefined;
  }
  return undefined;
}

/** The core's node view over the shared tree. */
export function treeView(tree: Tree, scopes: Scopes): NodeView<Node> {
  return {
    kind(n) {
      if (TRANSPARENT.has(n.type)) return "transparent";
      if (isFunction(n)) return "function";
      if (n.type === "UnaryExpression" && n.operator === "void") return "void";
      return KIND[n.type] ?? "other";
    },
    parent(n) {
      return tree.parent(n);
    },
    slot(parent, child): Slot {
      const link = tree.link(child);
      const key = link?.key;
      switch (parent.type) {
        case "CallExpression":
        case "OptionalCallExpression":
        case "NewExpression":
          return key === "callee" ? "callee" : key === "arguments" ? "argument" : "other";
        case "MemberExpression":
        case "OptionalMemberExpression":
          return key === "object" ? "object" : "other";
        case "ConditionalExpression":
          return key === "test" ? "test" : "branch";
        case "SequenceExpression":
          return link?.index === parent.expressions.length - 1 ? "last" : "not-last";
        case "ArrayExpression":
          return "element";
        case "ArrowFunctionExpression":
          return key === "body" && child.type !== "BlockStatement" ? "concise-body" : "other";
        default:
          return "other";
      }
    },
    argIndex(_call, child) {
      return tree.link(child)?.index ?? -1;
    },
    callee(call) {
      return (call as { callee: Node }).callee;
    },
    memberObject(member) {
      return (member as { object: Node }).object;
    },
    memberName,
    isGlobal(n, name) {
      return n.type === "Identifier" && n.name === name && !scopes.binding(n, name);
    },
    isAsyncFunction(fn) {
      // The colour of code around a call: a return type that may be a promise but cannot be
      // resolved (`Awaitable<T>` imported) keeps a returned call a promise, as written.
      if ((fn as { async?: boolean }).async === true) return true;
      const declared = declaredReturnKind(fn, tree.program);
      return declared !== undefined && declared !== "plain";
    },
    enclosingFunction(n) {
      return codeParent(tree, n);
    },
  };
}
