import { strip } from "./transparent.js";
import type { Node } from "./tree.js";
import { TYPED_ARRAYS } from "./typed-arrays.js";

/**
 * What a function's declared TypeScript return type says its calls give (docs/typescript.md,
 * "Return types"). One classifier, read by every rule that looks at a declared return type:
 *
 * - `"promise"`: certainly or possibly a promise, as written: `Promise<T>`, `PromiseLike<T>`,
 *   `globalThis.Promise<T>`, a local alias of one (`type P<T> = Promise<T>`), a local interface
 *   or class extending one, a union or intersection with such a member (`T | Promise<T>`), a
 *   global utility type given one (`Readonly<Promise<T>>`, `NonNullable<…>`). A function without
 *   `async` that declares one is async.
 * - `"value"`: proven never thenable: primitives and literal types, arrays and tuples, function
 *   types, the global built-in objects with no `then` (`Map`, `Date`, `Uint8Array`…, not declared
 *   in the file nor imported), `Awaited<T>`, an enum, a type literal, interface or class of the
 *   file with no `then` that a promise cannot match, unions and intersections of these. A plain
 *   function that declares one gives its callers a value (`declaresValue`).
 * - `{ unknown }`: neither — an imported name (`Later<T>` may be `Promise<T>`), a type parameter
 *   of the function, `typeof x`, `object`, `{}`, `Object`, `any`, `unknown`, a weak type, a type
 *   with a `then`, `ReturnType<…>` and the other computed types, which smartasync does not
 *   evaluate. `unknown` is the part that decided it, for the message (SA108).
 *
 * Attack 19, F3: two rules listed the same globals twice and disagreed; both read this one now.
 */
export type ReturnTypeKind = "promise" | "value" | Unknown;

/**
 * Why a type is unknown, for the message: an imported name, a type parameter of the function, a
 * type that may have a `then`, one a promise matches (`object`, `{}`, `any`, a weak type), one
 * computed (`typeof x`, `ReturnType<…>`, indexed, conditional), a global or namespaced name not
 * known to be a value (`Response`, `NodeJS.Timeout`).
 */
export type UnknownWhy = "imported" | "parameter" | "thenable" | "open" | "computed" | "unlisted";

export interface Unknown {
  unknown: Node;
  why: UnknownWhy;
}

function unknown(part: Node, why: UnknownWhy): Unknown {
  return { unknown: part, why };
}

type TypeNode = Node & { type: string };

interface Decl {
  kind: "alias" | "interface" | "class" | "plain";
  /** The alias' type, or the types an interface or class extends. */
  types: TypeNode[];
  params: string[];
  /** An interface's members (of every declaration it merges) or a class body's. */
  members: Node[];
}

type Env = Map<string, Decl>;

const PROMISE_NAMES = new Set(["Promise", "PromiseLike"]);

/**
 * Global types whose values are never thenable, when the name resolves to the global (not
 * declared in the file, not imported): built-in objects with no `then`, each with members a
 * promise lacks, so TypeScript lets no promise be one. `Awaited<T>` is what a promise settles
 * to: never thenable either. `Object` is not here (every value is one), nor `Record<…>` (a
 * `Record<"then", F>` is thenable).
 */
const NEVER_THENABLE_GLOBALS = new Set([
  "Array",
  "ReadonlyArray",
  "Map",
  "ReadonlyMap",
  "Set",
  "ReadonlySet",
  "WeakMap",
  "WeakSet",
  "Awaited",
  "Date",
  "RegExp",
  "Error",
  "Function",
  "String",
  "Number",
  "Boolean",
  "Symbol",
  "BigInt",
  ...TYPED_ARRAYS,
  "ArrayBuffer",
  "SharedArrayBuffer",
  "DataView",
  "Buffer",
  "URL",
  "URLSearchParams",
  "Iterable",
  "Iterator",
  "IterableIterator",
  "Generator",
]);

/**
 * Global utility types whose values are values of their first argument: they are what it is
 * (`Readonly<Promise<T>>` a promise, `Readonly<User>` a value).
 */
const SAME_AS_ARGUMENT = new Set(["Readonly", "NonNullable", "Required", "Exclude", "Extract"]);

/**
 * Global utility types that keep their argument's promise but may drop what shuts one out
 * (`Partial<User>` is a weak type, which a promise matches): a promise when the argument is one,
 * else unknown.
 */
const KEEPS_PROMISE = new Set(["Partial", "Pick", "Omit"]);

/** Global utility types that compute a type from another: not evaluated. */
const COMPUTED_UTILITIES = new Set([
  "ReturnType",
  "Parameters",
  "ConstructorParameters",
  "InstanceType",
  "ThisParameterType",
  "OmitThisParameter",
  "ThisType",
]);

/** Keyword types a promise is one of. */
const OPEN_KEYWORDS = new Set(["TSAnyKeyword", "TSUnknownKeyword", "TSObjectKeyword"]);

/** Keyword types whose values are primitives: never thenable. */
const PRIMITIVE_KEYWORDS = new Set([
  "TSStringKeyword",
  "TSNumberKeyword",
  "TSBooleanKeyword",
  "TSBigIntKeyword",
  "TSSymbolKeyword",
  "TSVoidKeyword",
  "TSUndefinedKeyword",
  "TSNullKeyword",
  "TSNeverKeyword",
]);

const envs = new WeakMap<Node, Env>();

function typeParams(n: Node): string[] {
  const tp = (n as { typeParameters?: { params?: { name: string | { name: string } }[] } | null })
    .typeParameters;
  return (tp?.params ?? []).map((p) => (typeof p.name === "string" ? p.name : p.name.name));
}

/** The file's own type declarations, by name (module level, exported or not, and in namespaces). */
function envOf(program: Node): Env {
  let env = envs.get(program);
  if (env) return env;
  env = new Map();
  const visit = (body: readonly Node[]) => {
    for (let st of body) {
      if (
        (st.type === "ExportNamedDeclaration" || st.type === "ExportDefaultDeclaration") &&
        (st as { declaration?: Node | null }).declaration
      )
        st = (st as { declaration: Node }).declaration;
      const id = (st as { id?: { type: string; name?: string } | null }).id;
      const name = id?.type === "Identifier" ? id.name : undefined;
      switch (st.type) {
        case "TSTypeAliasDeclaration":
          env.set(name!, {
            kind: "alias",
            types: [(st as { typeAnnotation: TypeNode }).typeAnnotation],
            params: typeParams(st),
            members: [],
          });
          break;
        case "TSInterfaceDeclaration": {
          const ext = (
            st as { extends?: { expression: Node; typeArguments?: Node; typeParameters?: Node }[] }
          ).extends;
          // `interface I extends Promise<T>`: the heritage is an expression; read it as a type.
          const types = (ext ?? []).map((h) => heritageType(h));
          const prev = env.get(name!);
          const own = (st as { body?: { body?: Node[] } }).body?.body ?? [];
          env.set(name!, {
            kind: "interface",
            types: [...(prev?.kind === "interface" ? prev.types : []), ...types],
            params: typeParams(st),
            members: [...(prev?.kind === "interface" ? prev.members : []), ...own],
          });
          break;
        }
        case "ClassDeclaration": {
          const sup = (st as { superClass?: Node | null }).superClass;
          if (name)
            env.set(name, {
              kind: "class",
              types: sup ? [heritageType({ expression: sup })] : [],
              params: typeParams(st),
              members: (st as { body?: { body?: Node[] } }).body?.body ?? [],
            });
          break;
        }
        case "TSEnumDeclaration":
          if (name) env.set(name, { kind: "plain", types: [], params: [], members: [] });
          break;
        case "TSModuleDeclaration": {
          const body = (st as { body?: Node }).body;
          if (body?.type === "TSModuleBlock") visit((body as { body: Node[] }).body);
          break;
        }
        default:
          break;
      }
    }
  };
  visit((program as { body: Node[] }).body);
  envs.set(program, env);
  return env;
}

/** `extends Promise<T>` / `extends globalThis.Promise` as a type reference. */
function heritageType(h: { expression: Node; typeArguments?: Node; typeParameters?: Node }): TypeNode {
  const toEntity = (e: Node): Node => {
    if (e.type === "MemberExpression") {
      const m = e as unknown as { object: Node; property: Node };
      return { type: "TSQualifiedName", left: toEntity(m.object), right: m.property } as unknown as Node;
    }
    return e;
  };
  return {
    type: "TSTypeReference",
    typeName: toEntity(h.expression),
    typeArguments: h.typeArguments ?? h.typeParameters,
  } as unknown as TypeNode;
}

function refName(typeName: Node): { name: string; global: boolean } | undefined {
  if (typeName.type === "Identifier") return { name: (typeName as { name: string }).name, global: false };
  if (typeName.type === "TSQualifiedName") {
    const q = typeName as unknown as { left: Node; right: { name: string } };
    if (q.left.type === "Identifier" && (q.left as { name: string }).name === "globalThis")
      return { name: q.right.name, global: true };
  }
  return undefined;
}

function typeArgs(ref: Node): TypeNode[] {
  const a =
    (ref as { typeArguments?: { params: TypeNode[] } | null; typeParameters?: { params: TypeNode[] } | null })
      .typeArguments ?? (ref as { typeParameters?: { params: TypeNode[] } | null }).typeParameters;
  return a?.params ?? [];
}

const importedNames = new WeakMap<Node, Set<string>>();

/** The names the file imports (`import type { Later }`, `import X = require(…)`), which may be anything. */
function importsOf(program: Node): Set<string> {
  let names = importedNames.get(program);
  if (names) return names;
  names = new Set();
  for (const st of (program as { body: Node[] }).body) {
    if (st.type === "ImportDeclaration") {
      for (const sp of (st as { specifiers?: { local?: { name?: string } }[] }).specifiers ?? [])
        if (sp.local?.name) names.add(sp.local.name);
    } else if (st.type === "TSImportEqualsDeclaration") {
      const id = (st as { id?: { name?: string } }).id;
      if (id?.name) names.add(id.name);
    }
  }
  importedNames.set(program, names);
  return names;
}

/** Whether a member list (an interface's, a type literal's, a class body's) may give a `then`. */
function mayHaveThen(members: readonly Node[]): boolean {
  for (const m of members) {
    const member = m as { key?: Node; computed?: boolean; static?: boolean };
    // `[k: string]: F` may be `then`; so may a computed key. A static member is the class's own,
    // not its instances'.
    if (m.type === "TSIndexSignature") {
      if (!member.static) return true;
      continue;
    }
    if (!member.key || member.static) continue;
    if (member.computed) {
      const k = member.key as { type: string; value?: unknown };
      if (k.type !== "StringLiteral" || k.value === "then") return true;
      continue;
    }
    const key = member.key as { type: string; name?: string; value?: unknown };
    if (
      (key.type === "Identifier" && key.name === "then") ||
      (key.type === "StringLiteral" && key.value === "then")
    )
      return true;
  }
  return false;
}

/** The members a promise has (its own and `Object`'s): a type of only these may be a promise. */
const PROMISE_MEMBERS = new Set([
  "then",
  "catch",
  "finally",
  "constructor",
  "toString",
  "toLocaleString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
]);

/**
 * Whether a member list requires something a promise lacks — a required member under another
 * name, or a call or construct signature — so that no promise is assignable to it. `{}` and
 * `{ catch?(): void }` accept a promise, as TypeScript checks shapes, not names (attack 19, F3).
 */
function excludesPromise(members: readonly Node[]): boolean {
  return members.some((m) => {
    if (m.type === "TSCallSignatureDeclaration" || m.type === "TSConstructSignatureDeclaration") return true;
    const member = m as { key?: Node; computed?: boolean; static?: boolean; optional?: boolean };
    if (!member.key || member.computed || member.static || member.optional) return false;
    if (m.type === "TSIndexSignature" || m.type === "StaticBlock") return false;
    const key = member.key as { type: string; name?: string; value?: unknown };
    const name = key.type === "Identifier" ? key.name : key.type === "StringLiteral" ? key.value : undefined;
    return typeof name === "string" && !PROMISE_MEMBERS.has(name);
  });
}

/** The type a parenthesized, optional or `readonly` type wraps. */
function inner(type: TypeNode): TypeNode {
  return (type as { typeAnnotation: TypeNode }).typeAnnotation;
}

interface Scope {
  /** Type parameters in scope → the argument they stand for (undefined: the function's own). */
  params: Map<string, { type: TypeNode; scope: Scope } | undefined>;
}

interface Names {
  env: Env;
  imports: Set<string>;
}

/**
 * Combines the kinds of a union's or an intersection's members: a promise member makes the whole
 * (possibly) a promise; it is a value only when every member is proven one.
 */
function combine(kinds: readonly ReturnTypeKind[]): ReturnTypeKind {
  if (kinds.includes("promise")) return "promise";
  return kinds.find((k) => k !== "value") ?? "value";
}

function classify(type: TypeNode, scope: Scope, names: Names, depth: number): ReturnTypeKind {
  // Deeper than any type written by hand: a recursive alias, not followed further.
  if (depth > 40) return unknown(type, "computed");
  if (PRIMITIVE_KEYWORDS.has(type.type)) return "value";
  switch (type.type) {
    case "TSLiteralType":
    case "TSTemplateLiteralType":
    case "TSArrayType":
    case "TSTupleType":
    case "TSFunctionType":
    case "TSConstructorType":
    // `x is T` and `asserts x` return a boolean or nothing.
    case "TSTypePredicate":
      return "value";
    case "TSParenthesizedType":
    case "TSOptionalType":
      return classify(inner(type), scope, names, depth + 1);
    case "TSTypeOperator": {
      const op = (type as { operator?: string }).operator;
      // `keyof T` is string | number | symbol; `unique symbol` a symbol; `readonly T[]` an array.
      if (op === "keyof" || op === "unique") return "value";
      return op === "readonly" ? classify(inner(type), scope, names, depth + 1) : unknown(type, "computed");
    }
    case "TSUnionType":
    case "TSIntersectionType":
      return combine((type as { types: TypeNode[] }).types.map((x) => classify(x, scope, names, depth + 1)));
    case "TSTypeLiteral": {
      const members = (type as { members?: Node[] }).members ?? [];
      if (mayHaveThen(members)) return unknown(type, "thenable");
      return excludesPromise(members) ? "value" : unknown(type, "open");
    }
    case "TSTypeReference":
      return reference(type, scope, names, depth);
    default:
      // `any`, `unknown`, `object` accept a promise; `typeof x`, indexed, conditional, mapped
      // and `import("…")` types are not evaluated: any of them may be a promise.
      return OPEN_KEYWORDS.has(type.type) ? unknown(type, "open") : unknown(type, "computed");
  }
}

function reference(ref: TypeNode, scope: Scope, names: Names, depth: number): ReturnTypeKind {
  const r = refName((ref as { typeName: Node }).typeName);
  // `NodeJS.Timeout`, `JSX.Element`: a namespace's type, not looked into.
  if (!r) return unknown(ref, "unlisted");
  if (!r.global && scope.params.has(r.name)) {
    // A type parameter of the function itself may be anything (`T extends Promise<X>`); one of a
    // local alias stands for the argument it was given.
    const bound = scope.params.get(r.name);
    return bound ? classify(bound.type, bound.scope, names, depth + 1) : unknown(ref, "parameter");
  }
  if (PROMISE_NAMES.has(r.name) && (r.global || !names.env.has(r.name))) return "promise";
  const decl = r.global ? undefined : names.env.get(r.name);
  if (decl) {
    if (decl.kind === "plain") return "value";
    const args = typeArgs(ref);
    const params = new Map<string, { type: TypeNode; scope: Scope } | undefined>();
    decl.params.forEach((p, i) => {
      params.set(p, args[i] ? { type: args[i], scope } : undefined);
    });
    const of = combine(decl.types.map((x) => classify(x, { params }, names, depth + 1)));
    if (of === "promise" || decl.kind === "alias") return of;
    // An interface or class with a `then` may be thenable; one that extends nothing must shut a
    // promise out by a member of its own (`interface Empty {}` accepts a promise).
    if (mayHaveThen(decl.members)) return unknown(ref, "thenable");
    if (of !== "value") return of;
    return decl.types.length > 0 || excludesPromise(decl.members) ? "value" : unknown(ref, "open");
  }
  // An imported name may be anything: `type Later<T> = Promise<T>` in another module.
  if (!r.global && names.imports.has(r.name)) return unknown(ref, "imported");
  // `Readonly` without an argument is no type TypeScript accepts: taken as the reference itself.
  const arg = typeArgs(ref)[0] ?? ref;
  if (SAME_AS_ARGUMENT.has(r.name))
    return arg === ref ? unknown(ref, "computed") : classify(arg, scope, names, depth + 1);
  if (KEEPS_PROMISE.has(r.name))
    return arg !== ref && classify(arg, scope, names, depth + 1) === "promise"
      ? "promise"
      : unknown(ref, "open");
  if (NEVER_THENABLE_GLOBALS.has(r.name)) return "value";
  if (r.name === "Object") return unknown(ref, "open");
  return unknown(ref, COMPUTED_UTILITIES.has(r.name) ? "computed" : "unlisted");
}

/**
 * The kind of `fn`'s declared return type (`undefined` when it declares none). `program` is the
 * file's, whose type declarations and imports resolve names.
 */
export function declaredReturnKind(fn: Node, program: Node | undefined): ReturnTypeKind | undefined {
  const rt = (fn as { returnType?: { type: string; typeAnnotation: TypeNode } | null }).returnType;
  if (rt?.type !== "TSTypeAnnotation") return undefined;
  const names: Names = {
    env: program ? envOf(program) : new Map<string, Decl>(),
    imports: program ? importsOf(program) : new Set<string>(),
  };
  const params = new Map<string, { type: TypeNode; scope: Scope } | undefined>();
  for (const p of typeParams(fn)) params.set(p, undefined);
  return classify(rt.typeAnnotation, { params }, names, 0);
}

/**
 * Whether `fn` declares a return type that says its callers get a value: one proven never
 * thenable (`"value"`). It is the proof that lets a plain function returning a smartasync call
 * hand its callers the value where the build does not see them (docs/semantics.md, "A call's
 * promise returned by a plain function"). Unknown means not proven: a type that may be a
 * promise, or says nothing (`any`, `unknown`, `object`), keeps the call as written.
 */
export function declaresValue(fn: Node, program: Node | undefined): boolean {
  return declaredReturnKind(fn, program) === "value";
}

/** Node's promise APIs: every function these modules export returns a promise. */
const PROMISE_MODULES = new Set(
  ["fs/promises", "timers/promises", "dns/promises", "stream/promises", "readline/promises"].flatMap((m) => [
    m,
    `node:${m}`,
  ]),
);
const PROMISE_STATICS = new Set(["resolve", "reject", "all", "allSettled", "race", "any"]);
const THEN_LIKE = new Set(["then", "catch", "finally"]);

/** What `returnsPromise` reads of the file: the binding a name resolves to and a node's parent. */
export interface ReturnScan {
  walk(root: Node, visit: (n: Node) => boolean | undefined): void;
  parent(n: Node): Node | undefined;
  binding(n: Node, name: string): { node: Node } | undefined;
}

/** The module `require("m")` names, with the free `require` and a string literal. */
function requiredModule(scan: ReturnScan, n: Node): string | undefined {
  if (n.type !== "CallExpression") return undefined;
  const c = n as unknown as { callee: Node; arguments: Node[] };
  const callee = strip(c.callee);
  if (callee.type !== "Identifier" || (callee as { name: string }).name !== "require") return undefined;
  if (scan.binding(callee, "require") || c.arguments.length !== 1) return undefined;
  const arg = c.arguments[0]!;
  return arg.type === "StringLiteral" ? (arg as { value: string }).value : undefined;
}

/**
 * The module a name comes from: imported (`import { readFile } from "fs/promises"`, `import *
 * as fsp`), or required by a `const` (`const fsp = require("node:fs/promises")`, `const {
 * readFile } = require("fs/promises")`). `const { promises } = require("fs")` names Node's
 * `fs/promises` itself.
 */
function importedFrom(scan: ReturnScan, id: Node): string | undefined {
  const name = (id as { name: string }).name;
  const b = scan.binding(id, name);
  if (!b) return undefined;
  if (/^Import(Default|Namespace)?Specifier$/.test(b.node.type)) {
    const decl = scan.parent(b.node) as { source?: { value?: string } } | undefined;
    return decl?.source?.value;
  }
  if (b.node.type !== "VariableDeclarator") return undefined;
  const d = b.node as unknown as { id: Node; init?: Node | null };
  const decl = scan.parent(b.node) as { kind?: string } | undefined;
  const from = d.init && decl?.kind === "const" ? requiredModule(scan, strip(d.init)) : undefined;
  if (from === undefined) return undefined;
  if (d.id.type === "Identifier") return from;
  if (d.id.type !== "ObjectPattern") return undefined;
  for (const p of (d.id as unknown as { properties: Node[] }).properties) {
    const prop = p as unknown as { type: string; computed?: boolean; key: Node; value: Node };
    if (prop.type !== "ObjectProperty" || prop.computed || prop.key.type !== "Identifier") continue;
    if (prop.value.type !== "Identifier" || (prop.value as { name: string }).name !== name) continue;
    const key = (prop.key as { name: string }).name;
    return key === "promises" && (from === "fs" || from === "node:fs") ? "fs/promises" : from;
  }
  return undefined;
}

/**
 * Whether `e`, evaluated, is certainly a promise: `new Promise(…)`, `Promise.resolve(…)` and the
 * other statics, a call of a function Node's promise modules export (`readFile` imported or
 * required from `fs/promises`, `fsp.readFile`, `require("fs/promises").readFile`,
 * `fs.promises.readFile`, `require("fs").promises.readFile`), a global `fetch(…)`, a call of an
 * `async` function of the file, and `.then`/`.catch`/`.finally` on any of these (on anything else
 * they may be a value's own methods: a Result type's `catch`, attack 17 F4).
 */
function certainlyPromise(scan: ReturnScan, node: Node, depth = 0): boolean {
  const e = strip(node);
  if (depth > 20) return false;
  if (e.type === "NewExpression") {
    const c = strip((e as { callee: Node }).callee);
    return (
      c.type === "Identifier" && (c as { name: string }).name === "Promise" && !scan.binding(c, "Promise")
    );
  }
  if (e.type === "ConditionalExpression") {
    const c = e as unknown as { consequent: Node; alternate: Node };
    return certainlyPromise(scan, c.consequent, depth + 1) || certainlyPromise(scan, c.alternate, depth + 1);
  }
  if (e.type === "SequenceExpression") {
    const xs = (e as { expressions: Node[] }).expressions;
    return certainlyPromise(scan, xs[xs.length - 1], depth + 1);
  }
  if (e.type !== "CallExpression") return false;
  const callee = strip((e as { callee: Node }).callee);
  if (callee.type === "Identifier") {
    const name = (callee as { name: string }).name;
    if (name === "fetch" && !scan.binding(callee, name)) return true;
    const from = importedFrom(scan, callee);
    if (from !== undefined) return PROMISE_MODULES.has(from);
    const b = scan.binding(callee, name);
    const fn =
      b?.node.type === "VariableDeclarator"
        ? ((b.node as { init?: Node | null }).init ?? undefined)
        : b?.node;
    return fn !== undefined && (fn as { async?: boolean }).async === true && /Function/.test(fn.type);
  }
  if (callee.type !== "MemberExpression" || (callee as { computed?: boolean }).computed) return false;
  const m = callee as unknown as { object: Node; property: { name?: string } };
  const prop = m.property.name ?? "";
  const obj = strip(m.object);
  if (THEN_LIKE.has(prop)) return certainlyPromise(scan, obj, depth + 1);
  if (obj.type === "Identifier") {
    const name = (obj as { name: string }).name;
    if (name === "Promise" && !scan.binding(obj, name)) return PROMISE_STATICS.has(prop);
    const from = importedFrom(scan, obj);
    return from !== undefined && PROMISE_MODULES.has(from);
  }
  // `require("fs/promises").readFile(…)`.
  const required = requiredModule(scan, obj);
  if (required !== undefined) return PROMISE_MODULES.has(required);
  // `fs.promises.readFile(…)` with `fs` imported or required from `fs`/`node:fs`, and
  // `require("fs").promises.readFile(…)`.
  if (obj.type === "MemberExpression") {
    const inner = obj as unknown as { object: Node; property: { name?: string }; computed?: boolean };
    const root = strip(inner.object);
    if (inner.computed || inner.property.name !== "promises") return false;
    const from = root.type === "Identifier" ? importedFrom(scan, root) : requiredModule(scan, root);
    return from === "fs" || from === "node:fs";
  }
  return false;
}

/**
 * The values `fn` returns: its own `return`s' arguments (not those of functions inside it) and a
 * concise arrow body.
 */
export function returnedValues(scan: ReturnScan, fn: Node): Node[] {
  const body = (fn as { body?: Node }).body;
  if (!body) return [];
  if (body.type !== "BlockStatement") return [body];
  const out: Node[] = [];
  scan.walk(body, (n) => {
    if (/Function|ClassMethod|ObjectMethod|ClassPrivateMethod/.test(n.type)) return false;
    if (n.type === "ReturnStatement") {
      const arg = (n as { argument?: Node | null }).argument;
      if (arg) out.push(arg);
      return false;
    }
    return undefined;
  });
  return out;
}

/**
 * The first value `fn` returns that is certainly a promise (`returnedValues`): a function
 * written without `async` that returns one is async for smartasync, as a declared `Promise<T>`
 * makes it (attack 17, F12: `return readFile(p).then(JSON.parse)` taken as sync gave its sync
 * callers the promise).
 */
export function returnedPromise(scan: ReturnScan, fn: Node): Node | undefined {
  return returnedValues(scan, fn).find((v) => certainlyPromise(scan, v));
}

/**
 * Whether every value `fn` returns is a primitive (`returnedValues`; no `return` gives
 * `undefined`): such a value has no `then`/`catch`/`finally` of its own, so one called on the
 * call is a promise's (fixture contexts/then-on-sync-callee), where on an object it may be the
 * object's own (a Result type; attack 17, F4). `primitive` is the one test of a proven primitive
 * (same-everywhere.ts `provenPrimitive`).
 */
export function returnsPrimitive(scan: ReturnScan, fn: Node, primitive: (value: Node) => boolean): boolean {
  if (!(fn as { body?: Node }).body) return false;
  return returnedValues(scan, fn).every(primitive);
}
