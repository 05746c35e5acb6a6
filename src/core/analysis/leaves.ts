import type { types as t } from "@babel/core";
import { type AwaitFact, SYNC_GLOBALS, WHY } from "../inline.js";
import { findTwin, type ImportedCallee, isTwinModule } from "../twins.js";
import { type CallNode, type Index, resolveCallee } from "./calls.js";
import { type Ctx, callText, locOf, sourceOf } from "./ctx.js";
import type { SaFunction } from "./model.js";
import { isFunction, type Node } from "./tree.js";
import { TRANSPARENT } from "./view.js";

function requireSource(node: Node | null | undefined): string | undefined {
  if (
    node?.type === "CallExpression" &&
    node.callee.type === "Identifier" &&
    node.callee.name === "require" &&
    node.arguments[0]?.type === "StringLiteral"
  ) {
    return node.arguments[0].value;
  }
  return undefined;
}

/** Follows an identifier to an import (ESM or `require`) and collects the member path. */
export function importedCallee(ctx: Ctx, callee: Node): ImportedCallee | undefined {
  const members: string[] = [];
  let node = callee;
  while (node.type === "MemberExpression" || node.type === "OptionalMemberExpression") {
    if (node.computed && node.property.type !== "StringLiteral") return undefined;
    members.unshift(
      node.property.type === "Identifier" ? node.property.name : (node.property as t.StringLiteral).value,
    );
    node = node.object;
  }
  if (node.type !== "Identifier") return undefined;
  const binding = ctx.scopes.binding(callee, node.name);
  if (!binding) return undefined;
  const b = binding.node;
  if (
    b.type === "ImportSpecifier" ||
    b.type === "ImportDefaultSpecifier" ||
    b.type === "ImportNamespaceSpecifier"
  ) {
    const source = (ctx.tree.parent(b) as t.ImportDeclaration).source.value;
    if (!isTwinModule(source, ctx.options)) return undefined;
    if (b.type === "ImportSpecifier") {
      const name = b.imported.type === "Identifier" ? b.imported.name : b.imported.value;
      return { module: source, path: [name, ...members] };
    }
    return { module: source, path: members };
  }
  // const fs = require("fs"); const { readFile } = require("fs/promises")
  if (b.type === "VariableDeclarator" && binding.kind === "const") {
    const source = requireSource(b.init);
    if (source === undefined || !isTwinModule(source, ctx.options)) return undefined;
    if (b.id.type === "Identifier") return { module: source, path: members };
    if (b.id.type === "ObjectPattern") {
      for (const p of b.id.properties) {
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
function isPlainLocal(ctx: Ctx, id: t.Identifier): boolean {
  const binding = ctx.scopes.binding(id, id.name);
  if (!binding || binding.kind === "param" || binding.kind === "module" || binding.kind === "hoisted")
    return false;
  if (binding.node.type !== "VariableDeclarator") return false;
  const values: (Node | null | undefined)[] = [binding.node.init];
  for (const v of binding.violations) {
    if (v.type === "AssignmentExpression" && v.operator === "=") values.push(v.right);
    else if (v.type === "UpdateExpression") continue;
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
  node: Node,
  returned: boolean,
  strictReturns: boolean,
  out: Map<Node, AwaitFact>,
  owner: SaFunction,
): void {
  if (TRANSPARENT.has(node.type)) {
    leavesOf(ctx, index, (node as { expression: Node }).expression, returned, strictReturns, out, owner);
    return;
  }
  if (node.type === "ConditionalExpression") {
    leavesOf(ctx, index, node.consequent, returned, strictReturns, out, owner);
    leavesOf(ctx, index, node.alternate, returned, strictReturns, out, owner);
    return;
  }
  if (node.type === "LogicalExpression") {
    leavesOf(ctx, index, node.left, returned, strictReturns, out, owner);
    leavesOf(ctx, index, node.right, returned, strictReturns, out, owner);
    return;
  }
  if (node.type === "SequenceExpression") {
    leavesOf(ctx, index, node.expressions[node.expressions.length - 1], returned, strictReturns, out, owner);
    return;
  }
  out.set(node, factOf(ctx, index, node, returned, strictReturns, owner));
}

function factOf(
  ctx: Ctx,
  index: Index,
  node: Node,
  returned: boolean,
  strictReturns: boolean,
  owner: SaFunction,
): AwaitFact {
  const lenient = returned && !strictReturns;
  if (node.type === "CallExpression" || node.type === "OptionalCallExpression") {
    const call = node as CallNode;
    const r = resolveCallee(ctx, index, call);
    if (r && !r.explicit) {
      owner.leafCallees.set(node, r);
      return {
        kind: "smartasync",
        callee: r.fn?.display ?? r.ext?.fact.name ?? (r.shape.kind === "dispatch" ? r.shape.name : "?"),
      };
    }
    const callee = call.callee as Node;
    if (
      callee.type === "MemberExpression" &&
      callee.object.type === "Identifier" &&
      callee.object.name === "Promise"
    ) {
      const globalPromise = !ctx.scopes.binding(callee, "Promise");
      const prop = callee.property.type === "Identifier" ? callee.property.name : "";
      if (globalPromise && (prop === "all" || prop === "allSettled")) {
        const arg = call.arguments[0] as Node | undefined;
        if (
          arg?.type !== "ArrayExpression" ||
          arg.elements.some((e) => e === null || e.type === "SpreadElement")
        ) {
          return { kind: "unmappable", why: WHY.combinatorArg(prop) };
        }
        // Element leaves go into the function's own map too: the emitter maps them in place.
        const inner = new Map<Node, AwaitFact>();
        for (const el of arg.elements as Node[]) leavesOf(ctx, index, el, false, true, inner, owner);
        for (const [n, f] of inner) owner.leaves.set(n, f);
        return { kind: "combinator", name: prop, elements: [...inner.values()] };
      }
      if (globalPromise && (prop === "race" || prop === "any"))
        return { kind: "unmappable", why: WHY.combinator(prop) };
    }
    let root: Node = callee;
    while (root.type === "MemberExpression") root = root.object;
    if (root.type === "Identifier" && SYNC_GLOBALS.has(root.name) && !ctx.scopes.binding(callee, root.name)) {
      return { kind: "not-promise" };
    }
    const imported = importedCallee(ctx, callee);
    const twin = imported ? findTwin(imported, ctx.options) : undefined;
    if (twin) return { kind: "twin", twin };
    if (lenient) return { kind: "returned-call" };
    return { kind: "unmappable", why: WHY.unknownCall(callText(ctx, call)) };
  }
  if (node.type === "NewExpression") {
    const isPromise = node.callee.type === "Identifier" && node.callee.name === "Promise";
    if (lenient && !isPromise) return { kind: "returned-call" };
    return { kind: "unmappable", why: WHY.newExpression(callText(ctx, node)) };
  }
  if (node.type === "Identifier") {
    if (node.name === "undefined" || isPlainLocal(ctx, node)) return { kind: "not-promise" };
    if (lenient) return { kind: "returned-call" };
    return { kind: "unmappable", why: WHY.promiseLocal(node.name) };
  }
  if (node.type === "AwaitExpression" || node.type === "YieldExpression") return { kind: "not-promise" };
  if (node.type === "TaggedTemplateExpression" || node.type === "ImportExpression") {
    return lenient ? { kind: "returned-call" } : { kind: "unmappable", why: WHY.other(sourceOf(ctx, node)) };
  }
  // Babel 7 parses `import(x)` as a call of `Import`: handled above as an unknown call.
  return { kind: "not-promise" };
}

/** Collects the await and return leaves of an async function's own body (not nested functions). */
export function analyseBody(ctx: Ctx, index: Index, fn: SaFunction): void {
  const f = fn.fn;
  // A function declared `: Promise<T>` without `async` returns the promise itself, so an
  // unknown returned call is most likely that promise (fixture inline/promise-typed-return).
  const strictReturns = !f.async;
  const add = (n: Node, returned: boolean, site: Node) => {
    const mine = new Map<Node, AwaitFact>();
    leavesOf(ctx, index, n, returned, strictReturns, mine, fn);
    const loc = locOf(ctx, site);
    for (const [node, fact] of mine) {
      fn.leaves.set(node, fact);
      fn.located.push({ fact, loc, text: sourceOf(ctx, node) });
    }
  };
  const body = f.body as Node;
  // A concise arrow body is both searched for awaits and returned (fixture
  // annotations/const-arrow: `async (x) => (await 3) * x`).
  if (body.type !== "BlockStatement") add(body, true, body);
  ctx.tree.walk(body, (n) => {
    if (isFunction(n)) return false;
    if (n.type === "AwaitExpression") add(n.argument, false, n);
    else if (n.type === "ReturnStatement" && n.argument) add(n.argument, true, n.argument);
    else if (n.type === "ForOfStatement" && n.await) {
      fn.located.push({
        fact: { kind: "unmappable", why: WHY.forAwait() },
        loc: locOf(ctx, n),
        text: "for await",
      });
    }
    return undefined;
  });
}
