import type { NodePath } from "@babel/core";
import type { NodeView, Slot, ViewKind } from "../core/node-view.js";

type P = NodePath;

/** Parentheses and TS wrappers: they change neither a value nor where it flows. */
export const TRANSPARENT = new Set([
  "ParenthesizedExpression",
  "TSAsExpression",
  "TSSatisfiesExpression",
  "TSNonNullExpression",
  "TSTypeAssertion",
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

/** A declared `Promise<…>` / `PromiseLike<…>` return type makes a function async (DESIGN §3.1). */
export function hasPromiseReturnType(fn: P): boolean {
  const rt = (fn.node as { returnType?: { type: string; typeAnnotation?: unknown } | null }).returnType;
  if (rt?.type !== "TSTypeAnnotation") return false;
  const ann = rt.typeAnnotation as { type: string; typeName?: { type: string; name?: string } };
  return (
    ann.type === "TSTypeReference" &&
    ann.typeName?.type === "Identifier" &&
    (ann.typeName.name === "Promise" || ann.typeName.name === "PromiseLike")
  );
}

/** The core's node view over Babel paths. */
export const babelView: NodeView<P> = {
  kind(n) {
    const t = n.node.type;
    if (TRANSPARENT.has(t)) return "transparent";
    if (n.isFunction()) return "function";
    return KIND[t] ?? "other";
  },
  parent(n) {
    return n.parentPath ?? undefined;
  },
  slot(parent, child): Slot {
    const key = child.key;
    const t = parent.node.type;
    switch (t) {
      case "CallExpression":
      case "OptionalCallExpression":
      case "NewExpression":
        return key === "callee" ? "callee" : child.listKey === "arguments" ? "argument" : "other";
      case "MemberExpression":
      case "OptionalMemberExpression":
        return key === "object" ? "object" : "other";
      case "ConditionalExpression":
        return key === "test" ? "test" : "branch";
      case "SequenceExpression": {
        const list = (parent.node as { expressions: unknown[] }).expressions;
        return key === list.length - 1 ? "last" : "not-last";
      }
      case "ArrayExpression":
        return "element";
      case "ArrowFunctionExpression":
        return key === "body" && child.node.type !== "BlockStatement" ? "concise-body" : "other";
      default:
        return "other";
    }
  },
  argIndex(_call, child) {
    return typeof child.key === "number" ? child.key : -1;
  },
  callee(call) {
    return call.get("callee") as P;
  },
  memberObject(member) {
    return member.get("object") as P;
  },
  memberName(member) {
    const node = member.node as {
      computed: boolean;
      property: { type: string; name?: string; value?: unknown };
    };
    if (!node.computed && node.property.type === "Identifier") return node.property.name;
    if (node.computed && node.property.type === "StringLiteral") return node.property.value as string;
    return undefined;
  },
  isGlobal(n, name) {
    return (
      n.node.type === "Identifier" && (n.node as { name: string }).name === name && !n.scope.getBinding(name)
    );
  },
  isAsyncFunction(fn) {
    return (fn.node as { async?: boolean }).async === true || hasPromiseReturnType(fn);
  },
  enclosingFunction(n) {
    return n.getFunctionParent() ?? undefined;
  },
};
