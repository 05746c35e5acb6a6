import type { NodePath, types as t } from "@babel/core";
import { type AwaitFact, SYNC_GLOBALS, WHY } from "../core/inline.js";
import { findTwin, type ImportedCallee, isTwinModule } from "../core/twins.js";
import { TRANSPARENT } from "./babel-view.js";
import { type Index, resolveCallee } from "./calls.js";
import { type Ctx, callText, locOf, sourceOf } from "./ctx.js";
import type { SaFunction } from "./model.js";

/** Follows an identifier to an import (ESM or `require`) and collects the member path. */
export function importedCallee(path: NodePath, ctx: Ctx): ImportedCallee | undefined {
  const members: string[] = [];
  let node = path.node;
  while (node.type === "MemberExpression" || node.type === "OptionalMemberExpression") {
    if (node.computed && node.property.type !== "StringLiteral") return undefined;
    members.unshift(
      node.property.type === "Identifier" ? node.property.name : (node.property as t.StringLiteral).value,
    );
    node = node.object;
  }
  if (node.type !== "Identifier") return undefined;
  const binding = path.scope.getBinding(node.name);
  if (!binding) return undefined;
  const b = binding.path;
  if (b.isImportSpecifier() || b.isImportDefaultSpecifier() || b.isImportNamespaceSpecifier()) {
    const source = (b.parentPath!.node as t.ImportDeclaration).source.value;
    if (!isTwinModule(source, ctx.options)) return undefined;
    if (b.isImportSpecifier()) {
      const imported = b.node.imported;
      const name = imported.type === "Identifier" ? imported.name : imported.value;
      return { module: source, path: [name, ...members] };
    }
    return { module: source, path: members };
  }
  // const fs = require("fs"); const { readFile } = require("fs/promises")
  if (b.isVariableDeclarator() && binding.kind === "const") {
    const init = b.node.init;
    if (
      init?.type !== "CallExpression" ||
      init.callee.type !== "Identifier" ||
      init.callee.name !== "require" ||
      init.arguments[0]?.type !== "StringLiteral"
    ) {
      return undefined;
    }
    const source = init.arguments[0].value;
    if (!isTwinModule(source, ctx.options)) return undefined;
    if (b.node.id.type === "Identifier") return { module: source, path: members };
    if (b.node.id.type === "ObjectPattern") {
      for (const p of b.node.id.properties) {
        if (p.type === "ObjectProperty" && p.value.type === "Identifier" && p.value.name === node.name) {
          const key =
            p.key.type === "Identifier"
              ? p.key.name
              : p.key.type === "StringLiteral"
                ? p.key.value
                : undefined;
          if (key !== undefined) return { module: source, path: [key, ...members] };
        }
      }
    }
  }
  return undefined;
}

/** A local that never holds a promise: every value assigned is neither a call nor `new`. */
function isPlainLocal(path: NodePath<t.Identifier>): boolean {
  const binding = path.scope.getBinding(path.node.name);
  if (!binding || binding.kind === "param" || binding.kind === "module" || binding.kind === "hoisted")
    return false;
  const values: (t.Node | null | undefined)[] = [];
  if (binding.path.isVariableDeclarator()) values.push(binding.path.node.init);
  else return false;
  for (const v of binding.constantViolations) {
    if (v.isAssignmentExpression() && v.node.operator === "=") values.push(v.node.right);
    else if (v.isUpdateExpression()) continue;
    else return false;
  }
  return values.every((v) => v == null || !/Call|New|Await|Yield/.test(v.type));
}

/**
 * Describes each promise-producing leaf of an awaited (or returned) expression. Conditionals,
 * logical operators, sequences and TS wrappers are looked through, so `await (c ? f() : g())`
 * maps both branches (fixture inline/conditional-await).
 */
function leavesOf(
  ctx: Ctx,
  index: Index,
  path: NodePath,
  returned: boolean,
  strictReturns: boolean,
  out: Map<t.Node, AwaitFact>,
  owner: SaFunction,
): void {
  const node = path.node;
  if (TRANSPARENT.has(node.type)) {
    leavesOf(ctx, index, path.get("expression") as NodePath, returned, strictReturns, out, owner);
    return;
  }
  if (node.type === "ConditionalExpression") {
    leavesOf(ctx, index, path.get("consequent") as NodePath, returned, strictReturns, out, owner);
    leavesOf(ctx, index, path.get("alternate") as NodePath, returned, strictReturns, out, owner);
    return;
  }
  if (node.type === "LogicalExpression") {
    leavesOf(ctx, index, path.get("left") as NodePath, returned, strictReturns, out, owner);
    leavesOf(ctx, index, path.get("right") as NodePath, returned, strictReturns, out, owner);
    return;
  }
  if (node.type === "SequenceExpression") {
    const exprs = path.get("expressions") as NodePath[];
    leavesOf(ctx, index, exprs[exprs.length - 1], returned, strictReturns, out, owner);
    return;
  }
  out.set(node, factOf(ctx, index, path, returned, strictReturns, owner));
}

function factOf(
  ctx: Ctx,
  index: Index,
  path: NodePath,
  returned: boolean,
  strictReturns: boolean,
  owner: SaFunction,
): AwaitFact {
  const node = path.node;
  const lenient = returned && !strictReturns;
  if (node.type === "CallExpression" || node.type === "OptionalCallExpression") {
    const call = path as NodePath<t.CallExpression>;
    const r = resolveCallee(index, call, ctx);
    if (r && !r.explicit) {
      owner.leafCallees.set(node, r);
      return {
        kind: "smartasync",
        callee: r.fn?.display ?? r.ext?.fact.name ?? (r.shape.kind === "dispatch" ? r.shape.name : "?"),
      };
    }
    const callee = call.get("callee") as NodePath;
    if (
      callee.isMemberExpression() &&
      callee.node.object.type === "Identifier" &&
      callee.node.object.name === "Promise"
    ) {
      const globalPromise = !callee.scope.getBinding("Promise");
      const prop = callee.node.property.type === "Identifier" ? callee.node.property.name : "";
      if (globalPromise && (prop === "all" || prop === "allSettled")) {
        const arg = call.get("arguments.0") as NodePath;
        if (
          !arg?.isArrayExpression() ||
          arg.node.elements.some((e) => e === null || e.type === "SpreadElement")
        ) {
          return { kind: "unmappable", why: WHY.combinatorArg(prop) };
        }
        // Element leaves go into the function's own map too: the emitter maps them in place.
        const inner = new Map<t.Node, AwaitFact>();
        for (const el of arg.get("elements") as NodePath[])
          leavesOf(ctx, index, el, false, true, inner, owner);
        for (const [n, f] of inner) owner.leaves.set(n, f);
        return { kind: "combinator", name: prop, elements: [...inner.values()] };
      }
      if (globalPromise && (prop === "race" || prop === "any"))
        return { kind: "unmappable", why: WHY.combinator(prop) };
    }
    let root: t.Node = callee.node;
    while (root.type === "MemberExpression") root = root.object;
    if (root.type === "Identifier" && SYNC_GLOBALS.has(root.name) && !callee.scope.getBinding(root.name)) {
      return { kind: "not-promise" };
    }
    const imported = importedCallee(callee, ctx);
    const twin = imported ? findTwin(imported, ctx.options) : undefined;
    if (twin) return { kind: "twin", twin };
    if (lenient) return { kind: "returned-call" };
    return { kind: "unmappable", why: WHY.unknownCall(callText(ctx, call.node)) };
  }
  if (node.type === "NewExpression") {
    const isPromise = node.callee.type === "Identifier" && node.callee.name === "Promise";
    if (lenient && !isPromise) return { kind: "returned-call" };
    return { kind: "unmappable", why: WHY.newExpression(callText(ctx, node)) };
  }
  if (node.type === "Identifier") {
    if (node.name === "undefined" || isPlainLocal(path as NodePath<t.Identifier>))
      return { kind: "not-promise" };
    if (lenient) return { kind: "returned-call" };
    return { kind: "unmappable", why: WHY.promiseLocal(node.name) };
  }
  if (node.type === "AwaitExpression" || node.type === "YieldExpression") return { kind: "not-promise" };
  if (node.type === "TaggedTemplateExpression" || node.type === "ImportExpression") {
    return lenient ? { kind: "returned-call" } : { kind: "unmappable", why: WHY.other(sourceOf(ctx, node)) };
  }
  return { kind: "not-promise" };
}

/** Collects the await and return leaves of an async function's own body (not nested functions). */
export function analyseBody(ctx: Ctx, index: Index, fn: SaFunction): void {
  const f = fn.fn;
  // A function declared `: Promise<T>` without `async` returns the promise itself, so an
  // unknown returned call is most likely that promise (fixture inline/promise-typed-return).
  const strictReturns = !f.node.async;
  const add = (p: NodePath, returned: boolean) => {
    const mine = new Map<t.Node, AwaitFact>();
    leavesOf(ctx, index, p, returned, strictReturns, mine, fn);
    const loc = locOf(ctx, p.parentPath?.isAwaitExpression() ? p.parentPath.node : p.node);
    for (const [node, fact] of mine) {
      fn.leaves.set(node, fact);
      fn.located.push({ fact, loc, text: sourceOf(ctx, node) });
    }
  };
  const body = f.get("body") as NodePath;
  // A concise arrow body is both searched for awaits and returned (fixture
  // annotations/const-arrow: `async (x) => (await 3) * x`).
  if (!body.isBlockStatement()) add(body, true);
  body.traverse({
    Function(p) {
      p.skip();
    },
    AwaitExpression(p) {
      add(p.get("argument") as NodePath, false);
    },
    ReturnStatement(p) {
      const arg = p.get("argument") as NodePath;
      if (arg.node) add(arg, true);
    },
    ForOfStatement(p) {
      if (p.node.await) {
        fn.located.push({
          fact: { kind: "unmappable", why: WHY.forAwait() },
          loc: locOf(ctx, p.node),
          text: "for await",
        });
      }
    },
  });
}
