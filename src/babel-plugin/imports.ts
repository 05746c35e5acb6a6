import type { NodePath, types as t } from "@babel/core";
import type { Plan } from "../core/analysis/analyse.js";
import { importedFirst, reusableNamespace } from "../core/analysis/namespaces.js";

/** Generated namespace imports, one per module, reusing the file's own where it has one. */
export class Imports {
  private readonly spaces = new Map<string, string>();
  private readonly added: t.Statement[] = [];
  /** Imports of the runtime and of built-in modules, placed before the file's own (`importedFirst`). */
  private readonly first: t.Statement[] = [];

  constructor(
    private readonly t: typeof import("@babel/core").types,
    private readonly plan: Plan,
    private readonly program: NodePath<t.Program>,
  ) {}

  /**
   * The local name of a namespace import of `source` (added on first use). `loaded`: the module's
   * exports as they were when this module loaded, as an ES namespace of a CommonJS module holds
   * them — under CommonJS a copy of `require(source)` — for `twinSame` to tell a replaced export.
   */
  namespace(source: string, hint: string, loaded = false): string {
    const key = loaded && this.plan.module.cjsInput ? `${source}\0loaded` : source;
    const known = this.spaces.get(key);
    if (known) return known;
    const t = this.t;
    const own = reusableNamespace(this.plan.ctx, source);
    if (own) {
      this.spaces.set(key, own);
      return own;
    }
    const id = t.identifier(this.plan.names.uid(hint));
    const required = t.callExpression(t.identifier("require"), [t.stringLiteral(source)]);
    const decl = this.plan.module.cjsInput
      ? t.variableDeclaration("const", [
          t.variableDeclarator(id, loaded ? t.objectExpression([t.spreadElement(required)]) : required),
        ])
      : t.importDeclaration([t.importNamespaceSpecifier(id)], t.stringLiteral(source));
    (importedFirst(this.plan.ctx, source) ? this.first : this.added).push(decl);
    this.spaces.set(key, id.name);
    return id.name;
  }

  runtime(): string {
    return this.namespace(this.plan.ctx.options.runtime, "sa");
  }

  /** The runtime's name in the output, if the emit used it (`runtime()`). */
  runtimeUsed(): string | undefined {
    return this.spaces.get(this.plan.ctx.options.runtime);
  }

  private tempName: string | undefined;

  /**
   * A module-level `var` of its own, for a value that user code may run between the write and
   * the read (a getter: `(_method = (_recv = r).m) == null ? …`), where the shared `temp()` could
   * be overwritten by a call inside it.
   */
  fresh(base: string): string {
    const name = this.plan.names.uid(base);
    this.added.push(this.t.variableDeclaration("var", [this.t.variableDeclarator(this.t.identifier(name))]));
    return name;
  }

  /**
   * A module-level `var` that a rewritten call stores its receiver in for one step
   * (`_sa.callSyncOf(_obj = a.b(), _obj.m, …)`), so the receiver's expression runs once and the
   * member is read before the arguments. It is read right after it is set, before any user code,
   * so one per module serves every call, nested and recursive ones included; a `var`, so a call
   * made while the module is still evaluating (an import cycle) finds it.
   */
  temp(): string {
    if (this.tempName) return this.tempName;
    const t = this.t;
    this.tempName = this.plan.names.uid("obj");
    this.added.push(t.variableDeclaration("var", [t.variableDeclarator(t.identifier(this.tempName))]));
    return this.tempName;
  }

  /**
   * `import.meta.url`, or `__filename` where the output is CommonJS: Babel's CommonJS transform
   * leaves `import.meta.url` in place (DESIGN §10, fixtures cjs/*).
   */
  moduleUrl(): t.Expression {
    const t = this.t;
    return this.plan.module.cjsOutput
      ? t.identifier("__filename")
      : t.memberExpression(t.metaProperty(t.identifier("import"), t.identifier("meta")), t.identifier("url"));
  }

  /**
   * Inserts the generated imports: those of the runtime and of built-in modules before the file's
   * leading imports (below the comments that lead them), the others after them; without leading
   * imports, all at the top. Returns them.
   */
  flush(): t.Statement[] {
    const first = this.first.splice(0);
    const rest = this.added.splice(0);
    if (first.length + rest.length === 0) return [];
    const body = this.program.get("body") as NodePath<t.Statement>[];
    let last: NodePath<t.Statement> | undefined;
    for (const s of body) {
      if (s.isImportDeclaration()) last = s;
      else break;
    }
    if (!last) {
      this.program.unshiftContainer("body", [...first, ...rest]);
      return [...first, ...rest];
    }
    if (rest.length) last.insertAfter(rest);
    if (first.length) {
      const lead = body[0]!;
      // The file's leading comments stay at its top, above the generated imports, as SWC's
      // insertion at the first import's start leaves them; an import TypeScript elides later
      // would otherwise hand them to the generated one as trailing comments.
      first[0]!.leadingComments = lead.node.leadingComments;
      lead.node.leadingComments = null;
      lead.insertBefore(first);
    }
    return [...first, ...rest];
  }
}
