import type { Node } from "./tree.js";

/**
 * What a function's declared TypeScript return type says about its colour (docs/typescript.md,
 * "Return types"): a function without `async` that declares a promise returns one, so it is an
 * async function for smartasync. The type is resolved through the file's own declarations; a
 * name that cannot be resolved is only trusted when it is a known plain type.
 *
 * - `"promise"`: certainly or possibly a promise: `Promise<T>`, `PromiseLike<T>`,
 *   `globalThis.Promise<T>`, a local alias of one (`type P<T> = Promise<T>`), a local interface or
 *   class extending one, a union or intersection with such a member (`T | Promise<T>`), and a
 *   global utility type given one (`Readonly<Promise<T>>`).
 * - `"plain"`: names no promise. This decides a colour only; that callers get a value is the
 *   stricter `declaresValue`, which asks for a proof.
 * - `{ unresolved }`: a type smartasync cannot see into whose name says it may be a promise
 *   (`Awaitable<T>` imported from another module), or `ReturnType<…>`, which it does not
 *   evaluate: the function is taken as sync and SA108 says so.
 */
export type ReturnTypeKind = "promise" | "plain" | { unresolved: string };

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
 * Global and library types that are never a promise. `Awaited<T>` is the type a promise settles
 * to, so it is plain too.
 */
const PLAIN_GLOBALS = new Set([
  "Array",
  "ReadonlyArray",
  "Map",
  "ReadonlyMap",
  "Set",
  "ReadonlySet",
  "WeakMap",
  "WeakSet",
  "Record",
  "Awaited",
  "Date",
  "RegExp",
  "Error",
  "Function",
  "Object",
  "String",
  "Number",
  "Boolean",
  "Symbol",
  "BigInt",
  "Uint8Array",
  "Int8Array",
  "Uint16Array",
  "Int16Array",
  "Uint32Array",
  "Int32Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
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
  "JSX",
]);

/** Global utility types whose value is (a part of) their first argument's. */
const PASS_THROUGH = new Set([
  "Readonly",
  "NonNullable",
  "Partial",
  "Required",
  "Pick",
  "Omit",
  "Exclude",
  "Extract",
]);

/** A name that says its type may be a promise: `Awaitable`, `MaybePromise`, `Thenable`, `Deferred`… */
const PROMISE_LIKE_NAME = /promise|await|thenable|deferred|future/i;

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

/** Source-like text of a type name, for SA108. */
function nameText(typeName: Node): string {
  if (typeName.type === "Identifier") return (typeName as { name: string }).name;
  const q = typeName as unknown as { left: Node; right: Node };
  return q.left && q.right ? `${nameText(q.left)}.${nameText(q.right)}` : "?";
}

/** Combines member kinds: any promise member makes the whole possibly a promise. */
function combine(kinds: ReturnTypeKind[]): ReturnTypeKind {
  if (kinds.includes("promise")) return "promise";
  return kinds.find((k) => k !== "plain") ?? "plain";
}

interface Scope {
  /** Type parameters in scope → the argument they stand for (undefined: the function's own). */
  params: Map<string, { type: TypeNode; scope: Scope } | undefined>;
}

function classify(type: TypeNode | undefined, scope: Scope, env: Env, depth: number): ReturnTypeKind {
  if (!type || depth > 40) return "plain";
  switch (type.type) {
    case "TSParenthesizedType":
    case "TSOptionalType":
      return classify((type as { typeAnnotation?: TypeNode }).typeAnnotation, scope, env, depth + 1);
    case "TSUnionType":
    case "TSIntersectionType":
      return combine((type as { types: TypeNode[] }).types.map((x) => classify(x, scope, env, depth + 1)));
    case "TSTypeReference":
      return reference(type, scope, env, depth);
    case "TSTypeQuery":
    case "TSIndexedAccessType":
    case "TSConditionalType":
    case "TSImportType":
      // `ReturnType<typeof f>`-like computations are not evaluated: trusted as plain, as any
      // other type that names no promise (docs/typescript.md).
      return "plain";
    default:
      return "plain";
  }
}

function reference(ref: TypeNode, scope: Scope, env: Env, depth: number): ReturnTypeKind {
  const typeName = (ref as { typeName: Node }).typeName;
  const r = refName(typeName);
  if (!r) return "plain";
  if (!r.global && scope.params.has(r.name)) {
    const bound = scope.params.get(r.name);
    return bound ? classify(bound.type, bound.scope, env, depth + 1) : "plain";
  }
  if (PROMISE_NAMES.has(r.name) && (r.global || !env.has(r.name))) return "promise";
  const decl = r.global ? undefined : env.get(r.name);
  if (decl) {
    if (decl.kind === "plain") return "plain";
    const args = typeArgs(ref);
    const params = new Map<string, { type: TypeNode; scope: Scope } | undefined>();
    decl.params.forEach((p, i) => {
      params.set(p, args[i] ? { type: args[i], scope } : undefined);
    });
    return combine(decl.types.map((x) => classify(x, { params }, env, depth + 1)));
  }
  // `ReturnType<typeof readFile>` is a promise when the function's is: a computation smartasync
  // does not evaluate, so it is not taken as plain (attack 17, F12; SA108).
  if (r.name === "ReturnType") return { unresolved: nameText(typeName) };
  // `Readonly<Promise<T>>`, `NonNullable<Promise<T>>`: the global utility types keep the
  // promise they are given (attack 19, F3), as a local alias of one does.
  if (PASS_THROUGH.has(r.name)) return classify(typeArgs(ref)[0], scope, env, depth + 1);
  if (PLAIN_GLOBALS.has(r.name)) {
    // `Array<Promise<T>>` is an array: its elements do not make it a promise.
    return "plain";
  }
  return PROMISE_LIKE_NAME.test(r.name) ? { unresolved: nameText(typeName) } : "plain";
}

/**
 * The kind of `fn`'s declared return type (`undefined` when it declares none). `program` is the
 * file's, whose type declarations resolve names.
 */
export function declaredReturnKind(fn: Node, program: Node | undefined): ReturnTypeKind | undefined {
  const rt = (fn as { returnType?: { type: string; typeAnnotation?: TypeNode } | null }).returnType;
  if (rt?.type !== "TSTypeAnnotation") return undefined;
  const env = program ? envOf(program) : new Map<string, Decl>();
  const params = new Map<string, { type: TypeNode; scope: Scope } | undefined>();
  for (const p of typeParams(fn)) params.set(p, undefined);
  return classify(rt.typeAnnotation, { params }, env, 0);
}

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

/**
 * Global types whose values are never thenable: arrays and the built-in collections and objects
 * with no `then` of their own, when the name resolves to the global (not declared in the file,
 * not imported).
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
  "Date",
  "RegExp",
  "Error",
]);

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

/**
 * Whether every value of `type` is proven never thenable (docs/typescript.md, "Return types that
 * say a value"): primitives and literal types, arrays and tuples, the global `Map`/`Set`/`Date`/
 * `RegExp`/`Error`, function types, a union or intersection of such, an enum, and a type literal,
 * interface or class of the file with no `then` member that extends only such types and has a
 * required member a promise lacks (or extends a proven type). Anything
 * else is not proven — an imported name (`Later<T>` may be `Promise<T>`), a utility type
 * (`Readonly<Promise<T>>`), a type parameter, `typeof x`, an indexed or conditional type,
 * `object`, `{}`, `Object`, `any`, `unknown` — since any of them may be a promise (attack 19, F3).
 */
function neverThenable(
  type: TypeNode | undefined,
  scope: Scope,
  env: Env,
  imports: Set<string>,
  depth: number,
): boolean {
  if (!type || depth > 40) return false;
  if (PRIMITIVE_KEYWORDS.has(type.type)) return true;
  switch (type.type) {
    case "TSLiteralType":
    case "TSTemplateLiteralType":
    case "TSArrayType":
    case "TSTupleType":
    case "TSFunctionType":
    case "TSConstructorType":
    // `x is T` and `asserts x` return a boolean or nothing.
    case "TSTypePredicate":
      return true;
    case "TSParenthesizedType":
    case "TSOptionalType":
      return neverThenable(
        (type as { typeAnnotation?: TypeNode }).typeAnnotation,
        scope,
        env,
        imports,
        depth + 1,
      );
    case "TSTypeOperator": {
      const op = (type as { operator?: string; typeAnnotation?: TypeNode }).operator;
      // `keyof T` is string | number | symbol; `unique symbol` a symbol; `readonly T[]` an array.
      if (op === "keyof" || op === "unique") return true;
      return (
        op === "readonly" &&
        neverThenable((type as { typeAnnotation?: TypeNode }).typeAnnotation, scope, env, imports, depth + 1)
      );
    }
    case "TSUnionType":
    case "TSIntersectionType":
      return (type as { types: TypeNode[] }).types.every((x) =>
        neverThenable(x, scope, env, imports, depth + 1),
      );
    case "TSTypeLiteral": {
      const members = (type as { members?: Node[] }).members ?? [];
      return !mayHaveThen(members) && excludesPromise(members);
    }
    case "TSTypeReference":
      break;
    default:
      return false;
  }
  const r = refName((type as { typeName: Node }).typeName);
  if (!r) return false;
  if (!r.global && scope.params.has(r.name)) {
    // A type parameter of the function itself may be anything (`T extends Promise<X>`); one of a
    // local alias stands for the argument it was given.
    const bound = scope.params.get(r.name);
    return bound !== undefined && neverThenable(bound.type, bound.scope, env, imports, depth + 1);
  }
  const decl = r.global ? undefined : env.get(r.name);
  if (decl) {
    if (decl.kind === "plain") return true;
    if (mayHaveThen(decl.members)) return false;
    const args = typeArgs(type);
    const params = new Map<string, { type: TypeNode; scope: Scope } | undefined>();
    decl.params.forEach((p, i) => {
      params.set(p, args[i] ? { type: args[i], scope } : undefined);
    });
    if (!decl.types.every((x) => neverThenable(x, { params }, env, imports, depth + 1))) return false;
    // An alias is its type; an interface or class must also shut a promise out, by a member of
    // its own or by a proven type it extends (`interface Empty {}` accepts a promise).
    return decl.kind === "alias" || decl.types.length > 0 || excludesPromise(decl.members);
  }
  if (!r.global && imports.has(r.name)) return false;
  return NEVER_THENABLE_GLOBALS.has(r.name);
}

/**
 * Whether `fn` declares a return type that says its callers get a value: one proven never
 * thenable (`neverThenable`). It is the proof that lets a plain function returning a smartasync
 * call hand its callers the value where the build does not see them (docs/semantics.md, "A
 * call's promise returned by a plain function"). Unknown means not proven: a type that may be a
 * promise, or says nothing (`any`, `unknown`, `object`), keeps the call as written.
 */
export function declaresValue(fn: Node, program: Node | undefined): boolean {
  const rt = (fn as { returnType?: { type: string; typeAnnotation?: TypeNode } | null }).returnType;
  if (rt?.type !== "TSTypeAnnotation") return false;
  const env = program ? envOf(program) : new Map<string, Decl>();
  const imports = program ? importsOf(program) : new Set<string>();
  const params = new Map<string, { type: TypeNode; scope: Scope } | undefined>();
  for (const p of typeParams(fn)) params.set(p, undefined);
  return neverThenable(rt.typeAnnotation, { params }, env, imports, 0);
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

function unwrapped(n: Node): Node {
  let cur = n;
  while (
    cur.type === "ParenthesizedExpression" ||
    cur.type === "TSAsExpression" ||
    cur.type === "TSSatisfiesExpression" ||
    cur.type === "TSNonNullExpression" ||
    cur.type === "TSTypeAssertion"
  )
    cur = (cur as { expression: Node }).expression;
  return cur;
}

/** The module `require("m")` names, with the free `require` and a string literal. */
function requiredModule(scan: ReturnScan, n: Node): string | undefined {
  if (n.type !== "CallExpression") return undefined;
  const c = n as unknown as { callee: Node; arguments: Node[] };
  const callee = unwrapped(c.callee);
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
  const from = d.init && decl?.kind === "const" ? requiredModule(scan, unwrapped(d.init)) : undefined;
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
  const e = unwrapped(node);
  if (depth > 20) return false;
  if (e.type === "NewExpression") {
    const c = unwrapped((e as { callee: Node }).callee);
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
  const callee = unwrapped((e as { callee: Node }).callee);
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
  const obj = unwrapped(m.object);
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
    const root = unwrapped(inner.object);
    if (inner.computed || inner.property.name !== "promises") return false;
    const from = root.type === "Identifier" ? importedFrom(scan, root) : requiredModule(scan, root);
    return from === "fs" || from === "node:fs";
  }
  return false;
}

/**
 * The first value `fn` returns that is certainly a promise (its own `return`s, not those of
 * functions inside it, and a concise arrow body): a function written without `async` that
 * returns one is async for smartasync, as a declared `Promise<T>` makes it (attack 17, F12:
 * `return readFile(p).then(JSON.parse)` taken as sync gave its sync callers the promise).
 */
export function returnedPromise(scan: ReturnScan, fn: Node): Node | undefined {
  const body = (fn as { body?: Node }).body;
  if (!body) return undefined;
  if (body.type !== "BlockStatement") return certainlyPromise(scan, body) ? body : undefined;
  let found: Node | undefined;
  scan.walk(body, (n) => {
    if (found !== undefined || /Function|ClassMethod|ObjectMethod|ClassPrivateMethod/.test(n.type))
      return false;
    if (n.type === "ReturnStatement") {
      const arg = (n as { argument?: Node | null }).argument;
      if (arg && certainlyPromise(scan, arg)) found = arg;
      return false;
    }
    return undefined;
  });
  return found;
}

/**
 * Whether every value `fn` returns is a primitive (its own `return`s and a concise body; no
 * `return` gives `undefined`): such a value has no `then`/`catch`/`finally` of its own, so one
 * called on the call is a promise's (fixture contexts/then-on-sync-callee), where on an object it
 * may be the object's own (a Result type; attack 17, F4). `primitive` is the one test of a
 * proven primitive (same-everywhere.ts `provenPrimitive`).
 */
export function returnsPrimitive(scan: ReturnScan, fn: Node, primitive: (value: Node) => boolean): boolean {
  const body = (fn as { body?: Node }).body;
  if (!body) return false;
  if (body.type !== "BlockStatement") return primitive(body);
  let all = true;
  scan.walk(body, (n) => {
    if (!all || /Function|ClassMethod|ObjectMethod|ClassPrivateMethod/.test(n.type)) return false;
    if (n.type === "ReturnStatement") {
      const arg = (n as { argument?: Node | null }).argument;
      if (arg && !primitive(arg)) all = false;
      return false;
    }
    return undefined;
  });
  return all;
}
