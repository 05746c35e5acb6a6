import type { Node } from "./tree.js";

/**
 * What a function's declared TypeScript return type says about its colour (docs/typescript.md,
 * "Return types"): a function without `async` that declares a promise returns one, so it is an
 * async function for smartasync. The type is resolved through the file's own declarations; a
 * name that cannot be resolved is only trusted when it is a known plain type.
 *
 * - `"promise"`: certainly or possibly a promise: `Promise<T>`, `PromiseLike<T>`,
 *   `globalThis.Promise<T>`, a local alias of one (`type P<T> = Promise<T>`), a local interface or
 *   class extending one, and a union or intersection with such a member (`T | Promise<T>`).
 * - `"plain"`: never a promise as far as the types say.
 * - `{ unresolved }`: a type smartasync cannot see into whose name says it may be a promise
 *   (`Awaitable<T>` imported from another module): the function is taken as sync and SA108 says so.
 */
export type ReturnTypeKind = "promise" | "plain" | { unresolved: string };

type TypeNode = Node & { type: string };

interface Decl {
  kind: "alias" | "interface" | "class" | "plain";
  /** The alias' type, or the types an interface or class extends. */
  types: TypeNode[];
  params: string[];
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
  "Partial",
  "Required",
  "Readonly",
  "Pick",
  "Omit",
  "Exclude",
  "Extract",
  "NonNullable",
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
          });
          break;
        case "TSInterfaceDeclaration": {
          const ext = (
            st as { extends?: { expression: Node; typeArguments?: Node; typeParameters?: Node }[] }
          ).extends;
          // `interface I extends Promise<T>`: the heritage is an expression; read it as a type.
          const types = (ext ?? []).map((h) => heritageType(h));
          const prev = env.get(name!);
          env.set(name!, {
            kind: "interface",
            types: [...(prev?.kind === "interface" ? prev.types : []), ...types],
            params: typeParams(st),
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
            });
          break;
        }
        case "TSEnumDeclaration":
          if (name) env.set(name, { kind: "plain", types: [], params: [] });
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
