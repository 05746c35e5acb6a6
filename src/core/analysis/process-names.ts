import type { types as t } from "@babel/core";
import type { Ctx } from "./ctx.js";
import type { Binding } from "./scope.js";
import { isReference } from "./scope.js";
import { peelCallee } from "./transparent.js";
import type { Node } from "./tree.js";
import {
  constantKey,
  globalName,
  globalPath,
  isCreateRequire,
  memberKey,
  requireSource,
  staticString,
  strip,
} from "./view.js";

/**
 * How a program names Node's `process` object and its members (attack27 F13, fixture
 * diagnostics/sa314-process-spellings): the one reading the SA314 check uses, so that every
 * spelling of `process.stdin` is the same use —
 * - the global: `process`, `globalThis.process` (`global.`, `self.`), a `const` second name of
 *   one of them (`const p = process`), view.ts `globalName`;
 * - the module: `import proc from "node:process"`, `import * as proc from "process"`,
 *   `const proc = require("node:process")`;
 * - a member of either: `proc.stdin`, `process["stdin"]`, `globalThis.process?.send`;
 * - a member taken out by name: `import { stdin } from "node:process"`, `const { stdin } =
 *   process` (also `{ stdin: input }`), `const stdin = process.stdin`;
 * - attack29 F05 (fixture diagnostics/sa314-process-keys): a computed key the source fixes, a
 *   `const` bound to a string included (`const k = "stdin"; process[k]`, view.ts `constantKey`),
 *   the object out of a sequence (`(0, process).stdin`), `process` taken out of the global object
 *   (`const { process: pr } = globalThis`, `const g = globalThis; g.process`) and
 *   `Reflect.get(process, "stdin")` (`Reflect.get(globalThis, "process")`);
 * - the module loaded by a `require` that `createRequire` made (`const req =
 *   createRequire(import.meta.url); req("node:process")`, or called in place) and by
 *   `await import("node:process")` (fixture diagnostics/sa314-process-loaders).
 * Returns `"process"` for the object, `"process.<member>"` for a member, else undefined. Only
 * `const`s and imports are followed: a `let` may hold anything by the time it is read.
 */
export function processPath(ctx: Ctx, n: Node, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  // `(0, process)` is `process`: a sequence's value is its last expression.
  const v = peelCallee(n);
  if (v.type === "Identifier") {
    const b = ctx.scopes.binding(v, v.name);
    if (!b) return v.name === "process" ? "process" : undefined;
    return bindingPath(ctx, b, v.name, depth);
  }
  // `await import("node:process")`: the namespace, whose `default` is the process and whose named
  // exports are its members — read as the process (memberOf reads `default` as the object).
  if (v.type === "AwaitExpression" && importsProcess(strip(v.argument as Node))) return "process";
  if (v.type === "CallExpression") {
    if (requiredProcess(ctx, v)) return "process";
    // `Reflect.get(process, "stdin")` reads the member as `process.stdin` does.
    const [o, k] = v.arguments as Node[];
    if (globalPath(ctx.scopes, v.callee as Node) !== "Reflect.get" || !o || !k) return undefined;
    const key = constantKey(ctx.scopes, strip(k));
    return typeof key === "string" ? memberOf(ctx, o, key, depth) : undefined;
  }
  if (v.type !== "MemberExpression" && v.type !== "OptionalMemberExpression") return undefined;
  // `globalThis.process`: the member `process` of the global object.
  if (globalName(ctx.scopes, v) === "process") return "process";
  const key = memberKey(ctx.scopes, v);
  return typeof key === "string" ? memberOf(ctx, v.object as Node, key, depth) : undefined;
}

/** The process path of member `key` of `o`: of the process object, or `process` of the global one. */
function memberOf(ctx: Ctx, o: Node, key: string, depth: number): string | undefined {
  if (key === "process" && GLOBAL_OBJECTS.has(globalName(ctx.scopes, peelCallee(o)) ?? "")) return "process";
  if (processPath(ctx, o, depth + 1) !== "process") return undefined;
  // `processModule.default` of `import * as processModule from "process"` is the object itself.
  return key === "default" ? "process" : `process.${key}`;
}

/** The names of the global object (`globalThis.process` is `process`). */
const GLOBAL_OBJECTS = new Set(["globalThis", "global", "self"]);

/** The process path a binding holds: an import of the process module, or a `const` of one. */
function bindingPath(ctx: Ctx, b: Binding, local: string, depth: number): string | undefined {
  const d = b.node;
  if (
    d.type === "ImportDefaultSpecifier" ||
    d.type === "ImportNamespaceSpecifier" ||
    d.type === "ImportSpecifier"
  ) {
    const decl = ctx.tree.parent(d);
    if (decl?.type !== "ImportDeclaration" || !PROCESS_MODULES.has(decl.source.value)) return undefined;
    if (d.type !== "ImportSpecifier") return "process";
    const name = d.imported.type === "Identifier" ? d.imported.name : d.imported.value;
    return name === "default" ? "process" : `process.${name}`;
  }
  if (b.kind !== "const" || d.type !== "VariableDeclarator" || !d.init) return undefined;
  const init = d.init as Node;
  if (d.id.type === "Identifier") return processPath(ctx, init, depth + 1);
  if (d.id.type !== "ObjectPattern") return undefined;
  // `const { stdin } = process`, `const { stdin: input } = proc`: the member named by the key;
  // `const { process: pr } = globalThis`: the process (attack29 F05).
  for (const p of d.id.properties) {
    if (p.type !== "ObjectProperty") continue;
    const value = p.value.type === "AssignmentPattern" ? p.value.left : p.value;
    if (value.type !== "Identifier" || value.name !== local) continue;
    const key =
      !p.computed && p.key.type === "Identifier" ? p.key.name : constantKey(ctx.scopes, strip(p.key as Node));
    return typeof key === "string" ? memberOf(ctx, init, key, depth) : undefined;
  }
  return undefined;
}

const PROCESS_MODULES = new Set(["process", "node:process"]);

/**
 * `require("node:process")` (or `"process"`) with CommonJS's `require`, a `const` one
 * `createRequire` made (view.ts `requireSource`), or one made in place
 * (`createRequire(import.meta.url)("process")`).
 */
function requiredProcess(ctx: Ctx, n: t.CallExpression): boolean {
  const callee = strip(n.callee as Node);
  const source =
    callee.type === "CallExpression" && isCreateRequire(ctx.scopes, callee.callee as Node)
      ? staticString(n.arguments[0] as Node | undefined)
      : requireSource(ctx.scopes, n as Node);
  return source !== undefined && PROCESS_MODULES.has(source);
}

/** `import("node:process")` (or `"process"`), either shape a parser gives a dynamic import. */
function importsProcess(n: Node): boolean {
  const source =
    n.type === "ImportExpression"
      ? staticString(n.source as Node)
      : n.type === "CallExpression" && n.callee.type === "Import"
        ? staticString(n.arguments[0] as Node | undefined)
        : undefined;
  return source !== undefined && PROCESS_MODULES.has(source);
}

/**
 * The process path `n` names where it is read as a whole: a member expression, or an identifier
 * that is a reference (not the name a declaration gives: `const { stdin } = process` names
 * `stdin` where it is used, not where it is declared).
 */
export function processRead(ctx: Ctx, n: Node): string | undefined {
  if (n.type === "Identifier") {
    if (!isReference(n as t.Identifier, ctx.tree)) return undefined;
    const link = ctx.tree.link(n);
    // The value of `{ stdin }` in a pattern is a declaration's name, which isReference passes.
    if (link?.parent.type === "ObjectProperty" && ctx.tree.parent(link.parent)?.type === "ObjectPattern")
      return undefined;
    const path = processPath(ctx, n);
    return path?.startsWith("process.") ? path : undefined;
  }
  // `Reflect.get(process, "stdin")` (attack29 F05): processPath reads no other call as a member.
  if (n.type !== "MemberExpression" && n.type !== "OptionalMemberExpression" && n.type !== "CallExpression")
    return undefined;
  return processPath(ctx, n);
}
