import type { NodePath, types as t } from "@babel/core";
import type { Ctx } from "./ctx.js";

/**
 * Module-system facts of the file and the imports generated code needs. Babel's CommonJS
 * transform leaves `import.meta.url` in place (DESIGN §10), so when the output will be CommonJS
 * the module's URL is `__filename` (fixtures cjs/*).
 */
export interface ModuleFacts {
  /** The input itself is a CommonJS script: generated imports are `require` calls. */
  cjsInput: boolean;
  /** The output will be CommonJS (CJS input, or a CommonJS transform later in the pipeline). */
  cjsOutput: boolean;
}

export function moduleFacts(ctx: Ctx, program: NodePath<t.Program>): ModuleFacts {
  const filename = ctx.file.opts.filename ?? "";
  const hasEsm = program.node.body.some(
    (s) =>
      s.type === "ImportDeclaration" ||
      s.type === "ExportNamedDeclaration" ||
      s.type === "ExportDefaultDeclaration" ||
      s.type === "ExportAllDeclaration",
  );
  const cjsInput =
    program.node.sourceType === "script" ||
    /\.c[jt]s$/.test(filename) ||
    (!hasEsm && /\b(require\s*\(|module\.exports|exports\.)/.test(ctx.code));
  const plugins = (ctx.file.opts.plugins ?? []) as { key?: string }[];
  const cjsTransform = plugins.some((p) => p.key === "transform-modules-commonjs");
  return { cjsInput, cjsOutput: cjsInput || cjsTransform };
}

/** Generated namespace imports, one per module, reusing the file's own where it has one. */
export class Imports {
  private readonly spaces = new Map<string, string>();
  private readonly added: t.Statement[] = [];

  constructor(
    private readonly ctx: Ctx,
    private readonly program: NodePath<t.Program>,
    private readonly facts: ModuleFacts,
  ) {}

  /** The local name of a namespace import of `source` (added on first use). */
  namespace(source: string, hint: string): string {
    const known = this.spaces.get(source);
    if (known) return known;
    const t = this.ctx.t;
    for (const s of this.program.node.body) {
      if (s.type === "ImportDeclaration" && s.source.value === source && s.importKind !== "type") {
        const ns = s.specifiers.find((x) => x.type === "ImportNamespaceSpecifier");
        if (ns) {
          this.spaces.set(source, ns.local.name);
          return ns.local.name;
        }
      }
    }
    const id = this.program.scope.generateUidIdentifier(hint);
    const decl = this.facts.cjsInput
      ? t.variableDeclaration("const", [
          t.variableDeclarator(id, t.callExpression(t.identifier("require"), [t.stringLiteral(source)])),
        ])
      : t.importDeclaration([t.importNamespaceSpecifier(id)], t.stringLiteral(source));
    this.added.push(decl);
    this.spaces.set(source, id.name);
    return id.name;
  }

  runtime(): string {
    return this.namespace(this.ctx.options.runtime, "sa");
  }

  /** `import.meta.url`, or `__filename` where the output is CommonJS. */
  moduleUrl(): t.Expression {
    const t = this.ctx.t;
    return this.facts.cjsOutput
      ? t.identifier("__filename")
      : t.memberExpression(t.metaProperty(t.identifier("import"), t.identifier("meta")), t.identifier("url"));
  }

  /** Inserts the generated imports after the file's leading imports and directives. */
  flush(): t.Statement[] {
    if (this.added.length === 0) return [];
    const body = this.program.get("body") as NodePath<t.Statement>[];
    let last: NodePath<t.Statement> | undefined;
    for (const s of body) {
      if (s.isImportDeclaration()) last = s;
      else break;
    }
    const nodes = this.added.splice(0);
    if (last) last.insertAfter(nodes);
    else this.program.unshiftContainer("body", nodes);
    return nodes;
  }
}
