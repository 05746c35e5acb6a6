import type { types as t } from "@babel/core";
import { type ImportedCallee, isTwinModule } from "../twins.js";
import type { Ctx } from "./ctx.js";
import type { Node } from "./tree.js";
import { constAliasOf, globalName, memberName, requireSource, strip } from "./view.js";

/** How many `const` aliases are followed (`const a = fs.promises; const b = a; …`). */
const MAX_ALIASES = 8;

/**
 * Follows a callee to a module that has sync twins and collects the member path: imports (named,
 * default, namespace), `require(...)` and its destructuring, `require("fs").promises.x`, and
 * `const` aliases of those (`const fsp = fs.promises`, `const { readFile } = fs.promises`).
 * Anything else (a `let`, a conditional, a computed member) is not followed.
 */
export function importedCallee(ctx: Ctx, callee: Node, anyModule = false): ImportedCallee | undefined {
  const found = follow(
    ctx,
    callee,
    [],
    0,
    anyModule ? () => true : (m) => isTwinModule(m, ctx.options),
    false,
  );
  return found && "module" in found ? found : undefined;
}

/** Names of the global object itself. */
export const GLOBAL_OBJECTS = new Set(["globalThis", "global", "self", "window"]);

/**
 * The global a callee (or any value expression) names, as a member path from it: `["console",
 * "log"]` for `console.log`, `globalThis.console.log`, `globalThis["console"].log`, `(0,
 * console.log)`, `const say = console.log; say`, `const { log } = console; log`, `const out =
 * process.stdout; out.write` (`["process", "stdout", "write"]`). The root is a name no binding of
 * the file shadows; the aliases followed are importedCallee's (`const`, a plain name or an object
 * pattern). Undefined when the value is not one a global reaches (a parameter, a `let`, an import).
 * The one reading of such spellings: queuing primitives (leaves.ts) and outside effects
 * (outside.ts) both ask it (attack20 F10, F13).
 */
export function globalCallee(ctx: Ctx, callee: Node): string[] | undefined {
  const found = follow(ctx, callee, [], 0, () => false, true);
  return found && "global" in found ? found.path : undefined;
}

/**
 * The function `f.call(…)`/`f.apply(…)` runs: `f` (the callee otherwise). `Reflect.apply(f, …)` is
 * not looked at.
 */
export function calledFunction(callee: Node): Node {
  const c = strip(callee);
  if ((c.type === "MemberExpression" || c.type === "OptionalMemberExpression") && !c.computed) {
    const name = (c.property as { name?: string }).name;
    if (name === "call" || name === "apply") return c.object as Node;
  }
  return callee;
}

/**
 * What a call runs, seen through the spellings that run a function with arguments of their own:
 * `f.call(self, a)`, `f.apply(self, [a])`, `Reflect.apply(f, self, [a])` and `f.bind(self)(a)`
 * run `f` with `a` (attack21 F2, F13), and so, layer upon layer, do `Function.prototype.call.call(f,
 * self, a)`, `….apply.call(f, self, [a])` and `Reflect.apply(f.call, f, [self, a])`: the function
 * `call` or `apply` runs is its `this` (attack23 F7). `args` is undefined when they are not
 * written out (an array that is not a literal); `self` is the `this` given, where one is;
 * `layers` how many such spellings were taken off.
 */
export function calledWith(
  ctx: Ctx,
  call: t.CallExpression | t.OptionalCallExpression,
): { fn: Node; args: Node[] | undefined; self?: Node; layers: number } {
  const callee = strip(call.callee as Node);
  const args = call.arguments as Node[];
  const listed = (a: Node | undefined): Node[] | undefined => {
    const l = a === undefined ? undefined : strip(a);
    return l === undefined ? [] : l.type === "ArrayExpression" ? (l.elements as Node[]) : undefined;
  };
  const g = globalCallee(ctx, callee);
  let found: { fn: Node; args: Node[] | undefined; self?: Node; layers: number } = {
    fn: callee,
    args,
    layers: 0,
  };
  if (
    g?.length === 2 &&
    g[0] === "Reflect" &&
    g[1] === "apply" &&
    args[0] &&
    args[0].type !== "SpreadElement"
  )
    found = {
      fn: args[0],
      args: args.some((a) => a.type === "SpreadElement") ? undefined : listed(args[2]),
      ...(args[1] ? { self: args[1] } : {}),
      layers: 1,
    };
  else if (
    (callee.type === "CallExpression" || callee.type === "OptionalCallExpression") &&
    memberName(strip(callee.callee as Node)) === "bind"
  ) {
    const bound = strip(callee.callee as Node) as t.MemberExpression;
    const pre = (callee.arguments as Node[]).slice(1);
    return { fn: bound.object as Node, args: [...pre, ...args], layers: 1 };
  } else found = { ...selfCalled(callee, args, listed), layers: 1 };
  // `Function.prototype.call.call(f, self, a)`: what is run is `Function.prototype.call`, with `f` its `this`.
  for (let i = 0; i < MAX_ALIASES && found.args && found.self; i++) {
    const next = selfCalled(strip(found.fn), found.args, listed, found.self);
    if (next.fn === found.fn) break;
    found = { ...next, layers: found.layers + 1 };
  }
  return found.layers ? found : { fn: callee, args, layers: 0 };
}

/**
 * One layer of `f.call(self, …a)` / `f.apply(self, a)` on `fn` given `args`: the function run and
 * what it gets; `fn` itself where it is neither. `self`, where given, is the `this` of this call:
 * `call` and `apply` run that (`Function.prototype.call` reached as a value run on `f`).
 */
function selfCalled(
  fn: Node,
  args: Node[],
  listed: (a: Node | undefined) => Node[] | undefined,
  self?: Node,
): { fn: Node; args: Node[] | undefined; self?: Node } {
  if ((fn.type !== "MemberExpression" && fn.type !== "OptionalMemberExpression") || fn.computed)
    return { fn, args };
  const name = memberName(fn);
  if (name !== "call" && name !== "apply") return { fn, args };
  if (args.slice(0, name === "call" ? 1 : 2).some((a) => a?.type === "SpreadElement"))
    return { fn: self ?? (fn.object as Node), args: undefined };
  return {
    fn: self ?? (fn.object as Node),
    args: name === "call" ? args.slice(1) : listed(args[1]),
    ...(args[0] ? { self: args[0] } : {}),
  };
}

function follow(
  ctx: Ctx,
  expr: Node,
  after: string[],
  depth: number,
  wanted: (module: string) => boolean,
  globals: boolean,
): ImportedCallee | { global: true; path: string[] } | undefined {
  if (depth > MAX_ALIASES) return undefined;
  const members = [...after];
  let node = strip(expr);
  // `(0, console.log)`: the sequence's value is its last expression (globals only: an import's
  // callee keeps its own spelling for the twin rewrite).
  while (globals && node.type === "SequenceExpression")
    node = strip(node.expressions[node.expressions.length - 1] as Node);
  while (node.type === "MemberExpression" || node.type === "OptionalMemberExpression") {
    if (node.computed && node.property.type !== "StringLiteral") return undefined;
    members.unshift(
      node.property.type === "Identifier" ? node.property.name : (node.property as t.StringLiteral).value,
    );
    node = strip(node.object as Node);
    while (globals && node.type === "SequenceExpression")
      node = strip(node.expressions[node.expressions.length - 1] as Node);
  }
  const required = requireSource(ctx.scopes, node);
  if (required !== undefined) {
    return wanted(required) ? { module: required, path: members } : undefined;
  }
  if (node.type !== "Identifier") return undefined;
  const named = ctx.scopes.binding(node, node.name);
  // `const b = a` second names: the one reading of them (view.ts `constAliasOf`); what the last
  // one is bound to is read below.
  const binding = named && constAliasOf(ctx.scopes, named);
  if (!binding) {
    if (!globals) return undefined;
    // `globalThis.console` is `console`; `globalThis` alone is no function.
    if (GLOBAL_OBJECTS.has(node.name))
      return members.length > 0 ? { global: true, path: members } : undefined;
    return { global: true, path: [node.name, ...members] };
  }
  const b = binding.node;
  if (
    b.type === "ImportSpecifier" ||
    b.type === "ImportDefaultSpecifier" ||
    b.type === "ImportNamespaceSpecifier"
  ) {
    const source = (ctx.tree.parent(b) as t.ImportDeclaration).source.value;
    if (!wanted(source)) return undefined;
    if ((ctx.tree.parent(b) as t.ImportDeclaration).importKind === "type") return undefined;
    if (b.type === "ImportSpecifier") {
      const name = b.imported.type === "Identifier" ? b.imported.name : b.imported.value;
      return { module: source, path: [name, ...members], via: "es" };
    }
    return b.type === "ImportDefaultSpecifier"
      ? { module: source, path: members, via: "default" }
      : { module: source, path: members, via: "es" };
  }
  if (b.type !== "VariableDeclarator" || binding.kind !== "const" || !b.init) return undefined;
  // const fs = require("fs"); const fsp = fs.promises
  if (b.id.type === "Identifier") return follow(ctx, b.init as Node, members, depth + 1, wanted, globals);
  // const { readFile } = require("fs/promises"); const { stat } = fs.promises
  if (b.id.type === "ObjectPattern") {
    for (const p of b.id.properties) {
      if (p.type === "ObjectProperty" && p.value.type === "Identifier" && p.value.name === binding.name) {
        const key =
          p.computed && p.key.type !== "StringLiteral"
            ? undefined
            : p.key.type === "Identifier"
              ? p.key.name
              : p.key.type === "StringLiteral"
                ? p.key.value
                : undefined;
        if (key !== undefined)
          return follow(ctx, b.init as Node, [key, ...members], depth + 1, wanted, globals);
      }
    }
  }
  return undefined;
}

/**
 * Whether `n` names the global object: `globalThis`, `global`, `self`, `window` as the globals,
 * or a `const` holding one of them (`const g = globalThis`, attack25 F17; view.ts `globalName`,
 * the one reading of a global through its second names).
 */
export function globalObject(ctx: Ctx, n: Node): boolean {
  if (n.type !== "Identifier") return false;
  const name = globalName(ctx.scopes, n);
  return name !== undefined && GLOBAL_OBJECTS.has(name);
}
