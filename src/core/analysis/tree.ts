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
export const SKIP_KEYS = new Set([
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

/**
 * The keys that can hold code, per node type, in source order (the facts Babel's VISITOR_KEYS
 * also lists, written out for the types that make up nearly every file): walking these instead of
 * every own key is what keeps the analysis of a 5,000-line file cheap. Other types fall back to
 * their own keys.
 */
const CHILD_KEYS: Record<string, readonly string[]> = {
  Identifier: ["decorators"],
  StringLiteral: [],
  NumericLiteral: [],
  BooleanLiteral: [],
  NullLiteral: [],
  BigIntLiteral: [],
  RegExpLiteral: [],
  TemplateElement: [],
  ThisExpression: [],
  Super: [],
  EmptyStatement: [],
  DebuggerStatement: [],
  PrivateName: ["id"],
  Program: ["body"],
  ExpressionStatement: ["expression"],
  BlockStatement: ["body"],
  ReturnStatement: ["argument"],
  ThrowStatement: ["argument"],
  AwaitExpression: ["argument"],
  YieldExpression: ["argument"],
  UnaryExpression: ["argument"],
  UpdateExpression: ["argument"],
  SpreadElement: ["argument"],
  RestElement: ["decorators", "argument"],
  MemberExpression: ["object", "property"],
  OptionalMemberExpression: ["object", "property"],
  CallExpression: ["callee", "arguments"],
  OptionalCallExpression: ["callee", "arguments"],
  NewExpression: ["callee", "arguments"],
  ImportExpression: ["source", "options"],
  VariableDeclaration: ["declarations"],
  VariableDeclarator: ["id", "init"],
  BinaryExpression: ["left", "right"],
  LogicalExpression: ["left", "right"],
  AssignmentExpression: ["left", "right"],
  AssignmentPattern: ["decorators", "left", "right"],
  ConditionalExpression: ["test", "consequent", "alternate"],
  IfStatement: ["test", "consequent", "alternate"],
  SequenceExpression: ["expressions"],
  ArrowFunctionExpression: ["params", "body"],
  FunctionDeclaration: ["id", "params", "body"],
  FunctionExpression: ["id", "params", "body"],
  ObjectExpression: ["properties"],
  ObjectPattern: ["decorators", "properties"],
  ObjectProperty: ["decorators", "key", "value"],
  ObjectMethod: ["decorators", "key", "params", "body"],
  ArrayExpression: ["elements"],
  ArrayPattern: ["decorators", "elements"],
  TemplateLiteral: ["quasis", "expressions"],
  TaggedTemplateExpression: ["tag", "quasi"],
  ForStatement: ["init", "test", "update", "body"],
  ForInStatement: ["left", "right", "body"],
  ForOfStatement: ["left", "right", "body"],
  WhileStatement: ["test", "body"],
  DoWhileStatement: ["body", "test"],
  TryStatement: ["block", "handler", "finalizer"],
  CatchClause: ["param", "body"],
  SwitchStatement: ["discriminant", "cases"],
  SwitchCase: ["test", "consequent"],
  LabeledStatement: ["label", "body"],
  BreakStatement: ["label"],
  ContinueStatement: ["label"],
  ClassDeclaration: ["decorators", "id", "superClass", "body"],
  ClassExpression: ["decorators", "id", "superClass", "body"],
  ClassBody: ["body"],
  ClassMethod: ["decorators", "key", "params", "body"],
  ClassPrivateMethod: ["decorators", "key", "params", "body"],
  ClassProperty: ["decorators", "key", "value"],
  ClassPrivateProperty: ["decorators", "key", "value"],
  StaticBlock: ["body"],
  ImportDeclaration: ["specifiers", "source", "attributes"],
  ImportSpecifier: ["imported", "local"],
  ImportDefaultSpecifier: ["local"],
  ImportNamespaceSpecifier: ["local"],
  ExportNamedDeclaration: ["declaration", "specifiers", "source", "attributes"],
  ExportDefaultDeclaration: ["declaration"],
  ExportAllDeclaration: ["exported", "source", "attributes"],
  ExportSpecifier: ["local", "exported"],
  MetaProperty: ["meta", "property"],
  ParenthesizedExpression: ["expression"],
  TSAsExpression: ["expression"],
  TSSatisfiesExpression: ["expression"],
  TSNonNullExpression: ["expression"],
  TSTypeAssertion: ["expression"],
};

/** The keys of `n` that can hold code: the table's, or (other types) all its own but positions and types. */
export function childKeys(n: Node): readonly string[] {
  const known = CHILD_KEYS[n.type];
  if (known) return known;
  const out: string[] = [];
  for (const key in n) if (!SKIP_KEYS.has(key)) out.push(key);
  return out;
}

export function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string";
}

/** Whether the walk enters `n` (types are opaque to the rules). */
export function holdsCode(n: Node): boolean {
  return !n.type.startsWith("TS") || TS_CODE.has(n.type);
}

/** The child nodes of `n` that can hold code, in source order of their keys. */
export function forEachChild(n: Node, visit: (child: Node, key: string, index: number) => void): void {
  const rec = n as unknown as Record<string, unknown>;
  for (const key of childKeys(n)) {
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

/**
 * Parent links for a whole file. They are filled by the one walk that also finds the bindings
 * (`Scopes`): a 5,000-line file is walked once, not once per question.
 */
export class Tree {
  private readonly links = new Map<Node, Link>();
  /** Every call and optional call, in walk order (pre-order, source order). */
  readonly calls: (t.CallExpression | t.OptionalCallExpression)[] = [];
  /** Every tagged template (`` f`…` `` calls `f`), in walk order. */
  readonly tagged: t.TaggedTemplateExpression[] = [];
  /** Every identifier name that appears anywhere (for names generated code may introduce). */
  readonly names = new Set<string>();

  constructor(readonly program: t.Program) {}

  /** Records `child` under `parent` (called by the walk in `Scopes`). */
  add(child: Node, parent: Node, key: string, index: number): void {
    this.links.set(child, { parent, key, index });
    if (child.type === "CallExpression" || child.type === "OptionalCallExpression") this.calls.push(child);
    else if (child.type === "Identifier") this.names.add(child.name);
    else if (child.type === "TaggedTemplateExpression") this.tagged.push(child);
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

  /** Whether `n` is `ancestor` or lies inside it. */
  within(n: Node, ancestor: Node): boolean {
    for (let p: Node | undefined = n; p !== undefined; p = this.parent(p)) if (p === ancestor) return true;
    return false;
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
