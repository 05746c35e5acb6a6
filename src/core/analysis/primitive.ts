/**
 * Whether an expression's value is proven a primitive (a string, a number, …): one test for the
 * rules that need it — SA315's module values the same in every thread (same-everywhere.ts) and a
 * sync function whose every `return` has no `then` of its own (return-type.ts
 * `returnsPrimitive`, attack 17 F4). "Unknown" is never taken for "primitive".
 */
import { isBuiltin } from "node:module";
import type { types as t } from "@babel/core";
import type { Ctx } from "./ctx.js";
import type { Binding } from "./scope.js";
import type { Node } from "./tree.js";
import { isNodeRequire, memberName, strip } from "./view.js";

/** Calls of Node's own modules and globals whose result is a primitive (a string, a number). */
const PRIMITIVE_CALLS = new Set([
  "String",
  "Number",
  "Boolean",
  "BigInt",
  "parseInt",
  "parseFloat",
  "encodeURIComponent",
  "decodeURIComponent",
  "encodeURI",
  "decodeURI",
  "fileURLToPath",
  "join",
  "resolve",
  "dirname",
  "basename",
  "extname",
  "relative",
  "normalize",
  "format",
  "homedir",
  "tmpdir",
  "hostname",
  "platform",
  "arch",
  "type",
  "release",
  "availableParallelism",
  "stringify",
  "toString",
  "toFixed",
  "toUpperCase",
  "toLowerCase",
  "trim",
  "repeat",
  "padStart",
  "padEnd",
  "slice",
  "replace",
  "replaceAll",
]);
/** Receivers whose methods named in PRIMITIVE_CALLS give primitives (`Math.max`, `JSON.stringify`). */
const PRIMITIVE_STATICS = new Set(["Math", "JSON", "Number", "String", "path", "os"]);

/**
 * Whether a `const`'s initializer is a primitive: a literal, a template, an operator's result, a
 * `const` holding one, `process.env.X`, `x.length`, `String(…)`/`Number(…)`, a `path`/`os`
 * string. A value this says nothing about is followed as an object (below): "unknown" is never
 * taken for "primitive".
 */
export function provenPrimitive(ctx: Ctx, expr: Node, depth = 0): boolean {
  const e = strip(expr);
  if (depth > 6) return false;
  switch (e.type) {
    case "StringLiteral":
    case "NumericLiteral":
    case "BooleanLiteral":
    case "NullLiteral":
    case "BigIntLiteral":
    case "UnaryExpression":
    case "BinaryExpression":
    case "UpdateExpression":
      return true;
    case "TemplateLiteral":
      return true; // a template always makes a string
    case "LogicalExpression":
      return provenPrimitive(ctx, e.left, depth + 1) && provenPrimitive(ctx, e.right, depth + 1);
    case "ConditionalExpression":
      return provenPrimitive(ctx, e.consequent, depth + 1) && provenPrimitive(ctx, e.alternate, depth + 1);
    case "Identifier": {
      if (e.name === "undefined" || e.name === "NaN" || e.name === "Infinity")
        return !ctx.scopes.binding(e, e.name);
      const b = ctx.scopes.binding(e, e.name);
      return (
        b?.kind === "const" &&
        b.node.type === "VariableDeclarator" &&
        b.node.init != null &&
        provenPrimitive(ctx, b.node.init as Node, depth + 1)
      );
    }
    case "MetaProperty":
      return true; // `import.meta` itself is an object, but only its members are read here
    case "MemberExpression":
    case "OptionalMemberExpression": {
      const name = memberName(e);
      if (name === "length") return true;
      const o = strip(e.object);
      // `import.meta.url`, `import.meta.dirname`: strings.
      if (o.type === "MetaProperty") return true;
      // `process.env.PORT`: a string or undefined.
      return (
        o.type.endsWith("MemberExpression") &&
        memberName(o) === "env" &&
        strip((o as t.MemberExpression).object).type === "Identifier" &&
        (strip((o as t.MemberExpression).object) as t.Identifier).name === "process"
      );
    }
    case "CallExpression": {
      const callee = strip(e.callee as Node);
      if (callee.type === "Identifier") {
        if (!PRIMITIVE_CALLS.has(callee.name)) return false;
        const b = ctx.scopes.binding(callee, callee.name);
        return b === undefined || builtinModuleImport(ctx, b);
      }
      if (!callee.type.endsWith("MemberExpression")) return false;
      const name = memberName(callee);
      const o = strip((callee as t.MemberExpression).object);
      if (name === undefined) return false;
      // `console.log(…)` gives undefined.
      if (o.type === "Identifier" && o.name === "console" && !ctx.scopes.binding(o, o.name)) return true;
      // `Math.max(…)`, `path.join(…)`, `os.homedir()`, `JSON.stringify(…)`.
      if (o.type === "Identifier" && (PRIMITIVE_STATICS.has(o.name) || builtinName(ctx, o))) {
        if (o.name === "Math") return name !== "random"; // varies: SA302's rule
        return PRIMITIVE_CALLS.has(name) || o.name === "Math";
      }
      // `"a,b".split(",")` is an array; `x.toString()`, `s.trim()`: strings.
      return /^(toString|toFixed|toUpperCase|toLowerCase|trim|trimStart|trimEnd|padStart|padEnd|repeat|join|charAt)$/.test(
        name,
      );
    }
    default:
      return false;
  }
}

/** Whether an identifier names an import of one of Node's own modules (`path`, `node:os`). */
function builtinName(ctx: Ctx, id: t.Identifier): boolean {
  const b = ctx.scopes.binding(id, id.name);
  return b !== undefined && builtinModuleImport(ctx, b);
}

export function builtinModuleImport(ctx: Ctx, b: Binding): boolean {
  if (b.kind === "module") {
    const decl = ctx.tree.parent(b.node) as { source?: { value?: unknown } } | undefined;
    return typeof decl?.source?.value === "string" && isBuiltin(decl.source.value);
  }
  const init = b.node.type === "VariableDeclarator" && b.node.init ? strip(b.node.init) : undefined;
  let cur = init;
  while (cur?.type === "MemberExpression") cur = strip(cur.object);
  return (
    cur?.type === "CallExpression" &&
    isNodeRequire(ctx.scopes, cur.callee as Node) &&
    cur.arguments[0]?.type === "StringLiteral" &&
    isBuiltin(cur.arguments[0].value)
  );
}

/** An object or array literal whose members are all primitives: a copy of it shares nothing. */
export function primitiveMembers(ctx: Ctx, lit: Node): boolean {
  if (lit.type === "ObjectExpression")
    return lit.properties.every(
      (p) => p.type === "ObjectProperty" && !p.computed && provenPrimitive(ctx, p.value as Node),
    );
  if (lit.type === "ArrayExpression")
    return lit.elements.every(
      (x) => x != null && x.type !== "SpreadElement" && provenPrimitive(ctx, x as Node),
    );
  return false;
}
