import type { types as t } from "@babel/core";

/**
 * The syntax tree the core's rules read: plain nodes in the shape of Babel's AST (Babel's own
 * tree, or the SWC AST lowered into that shape by `swc-plugin/lower.ts`), with parent links and
 * the bindings of every scope, computed once per file. No compiler API is used here, so Babel and
 * SWC answer every question the same way.
 */
export type Node = t.Node;

export interface Link {
  parent: Node;
  key: string;
  /** Position in the parent's list (`arguments`, `body`), or -1. */
  index: number;
}

/** Keys that never lead to code: positions, comments, and TypeScript types. */
const SKIP_KEYS = new Set([
  "loc",
  "start",
  "end",
  "range",
  "extra",
  "leadingComments",
  "trailingComments",
  "innerComments",
  "typeAnnotation",
  "returnType",
  "typeParameters",
  "typeArguments",
  "superTypeParameters",
  "superTypeArguments",
  "implements",
  "predicate",
]);

/** TypeScript nodes that hold code; every other `TS*` node is a type and is not entered. */
const TS_CODE = new Set([
  "TSAsExpression",
  "TSSatisfiesExpression",
  "TSNonNullExpression",
  "TSTypeAssertion",
  "TSInstantiationExpression",
  "TSParameterProperty",
  "TSExportAssignment",
  "TSEnumDeclaration",
  "TSEnumBody",
  "TSEnumMember",
  "TSModuleDeclaration",
  "TSModuleBlock",
  "TSImportEqualsDeclaration",
  "TSExternalModuleReference",
  // Declarations without code, visited so an annotation on one gets its own SA102.
  "TSDeclareFunction",
  "TSDeclareMethod",
  "TSInterfaceDeclaration",
  "TSTypeAliasDeclaration",
]);

function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string";
}

/** Whether the walk enters `n` (types are opaque to the rules). */
export function holdsCode(n: Node): boolean {
  return !n.type.startsWith("TS") || TS_CODE.has(n.type);
}

/** The child nodes of `n` that can hold code, in source order of their keys. */
export function forEachChild(n: Node, visit: (child: Node, key: string, index: number) => void): void {
  const rec = n as unknown as Record<string, unknown>;
  for (const key in rec) {
    if (SKIP_KEYS.has(key)) continue;
    const v = rec[key];
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (isNode(x) && holdsCode(x)) visit(x, key, i);
      }
    } else if (isNode(v) && holdsCode(v)) {
      visit(v, key, -1);
    }
  }
}

const FUNCTIONS = new Set([
  "FunctionDeclaration",
  "FunctionExpression",
  "ArrowFunctionExpression",
  "ObjectMethod",
  "ClassMethod",
  "ClassPrivateMethod",
]);

/** Babel's `Function` alias: what has its own `await`s, `return`s and parameters. */
export function isFunction(n: Node): n is t.Function {
  return FUNCTIONS.has(n.type);
}

/** Parent links for a whole file, filled by one walk. */
export class Tree {
  private readonly links = new Map<Node, Link>();
  /** Every call and optional call, in walk order (pre-order, source order). */
  readonly calls: (t.CallExpression | t.OptionalCallExpression)[] = [];
  /** Every identifier name that appears anywhere (for names generated code may introduce). */
  readonly names = new Set<string>();

  constructor(readonly program: t.Program) {
    const stack: Node[] = [program];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === "CallExpression" || n.type === "OptionalCallExpression") this.calls.push(n);
      else if (n.type === "Identifier") this.names.add(n.name);
      const children: Node[] = [];
      forEachChild(n, (c, key, index) => {
        this.links.set(c, { parent: n, key, index });
        children.push(c);
      });
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }

  link(n: Node): Link | undefined {
    return this.links.get(n);
  }

  parent(n: Node): Node | undefined {
    return this.links.get(n)?.parent;
  }

  /** Whether `n` is part of the tree (nodes inside types are not). */
  has(n: Node): boolean {
    return n === this.program || this.links.has(n);
  }

  /** The nearest ancestor (not `n` itself) satisfying `test`. */
  findParent(n: Node, test: (p: Node) => boolean): Node | undefined {
    for (let p = this.parent(n); p !== undefined; p = this.parent(p)) if (test(p)) return p;
    return undefined;
  }

  /** Babel's `getFunctionParent`: the nearest enclosing function. */
  functionParent(n: Node): t.Function | undefined {
    return this.findParent(n, isFunction) as t.Function | undefined;
  }

  /** Pre-order walk of `root`'s subtree; `visit` returning `false` skips a node's children. */
  walk(root: Node, visit: (n: Node) => boolean | undefined): void {
    const stack: Node[] = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (visit(n) === false) continue;
      const children: Node[] = [];
      forEachChild(n, (c) => {
        children.push(c);
      });
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }
}
