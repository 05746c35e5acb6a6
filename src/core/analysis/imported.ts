import type { types as t } from "@babel/core";
import { MSG } from "../messages.js";
import type { ExportFact, ModuleFacts } from "../module-facts.js";
import { identifierHint, isIdentifierName } from "../naming.js";
import type { FunctionKind } from "../strategy.js";
import { type Ctx, warn } from "./ctx.js";
import type { Names } from "./names.js";
import type { Node } from "./tree.js";

/** A smartasync function this file imports, as a call site reaches it. */
export interface ImportedRef {
  fact: ExportFact;
  /** `f()` through a named/default import or `require` destructuring, or `ns.f()`. */
  shape: "ident" | "member";
  /** The hand-written variant itself was imported and called (`loadSync()`). */
  explicit: boolean;
  /** Local name to call for the variant; asks for the import on first use. */
  variantRef(): string;
}

/** Where a variant's import goes: beside the function's own import, or in its `require` pattern. */
export type Holder =
  | { kind: "import"; decl: t.ImportDeclaration }
  | { kind: "require"; pattern: t.ObjectPattern };

/** An import the emitter adds: `import { f, fSync as _fSync }` / `const { f, fSync } = require(…)`. */
export interface VariantImport {
  holder: Holder;
  imported: string;
  local: string;
}

export function requireSource(node: Node | null | undefined): string | undefined {
  if (
    node?.type === "CallExpression" &&
    node.callee.type === "Identifier" &&
    node.callee.name === "require" &&
    node.arguments[0]?.type === "StringLiteral"
  ) {
    return node.arguments[0].value;
  }
  return undefined;
}

/**
 * Imports of smartasync functions (DESIGN §3.6): which local bindings lead to one, and the
 * variant specifiers to add (`import { f, fSync } from "./lib"`) without duplicates or clashes.
 */
export class ImportedFns {
  private readonly facts = new Map<string, ModuleFacts>();
  private readonly locals = new Map<Node, Map<string, string>>();
  /** Variant imports calls now use, for the emitter to add. */
  readonly pending: VariantImport[] = [];
  private readonly warned = new Set<string>();

  constructor(
    private readonly ctx: Ctx,
    private readonly names: Names,
    /** A module scanned for its facts only needs the shapes of what it imports. */
    private readonly phase: "shape" | "facts" = "facts",
  ) {}

  factsOf(source: string): ModuleFacts {
    let f = this.facts.get(source);
    if (!f) {
      const filename = this.ctx.filename;
      f =
        filename && this.ctx.graph
          ? this.ctx.graph.ofImport(source, filename, this.phase)
          : { exports: new Map(), methods: new Map() };
      this.facts.set(source, f);
    }
    return f;
  }

  /** SA204, once per import, when a call goes through an import that could not be analysed. */
  private problem(source: string, facts: ModuleFacts, at: Node): void {
    if (!facts.problem || this.warned.has(source)) return;
    this.warned.add(source);
    warn(this.ctx, "SA204", at, MSG.unanalysable(source, facts.problem));
  }

  /** Every import of the file, for the fast path and for method dispatch. */
  *sources(): Generator<string> {
    for (const s of this.ctx.program.body) {
      if (s.type === "ImportDeclaration" && s.importKind !== "type") yield s.source.value;
      else if (
        (s.type === "ExportNamedDeclaration" || s.type === "ExportAllDeclaration") &&
        s.source &&
        s.exportKind !== "type"
      ) {
        yield s.source.value;
      } else if (s.type === "VariableDeclaration") {
        for (const d of s.declarations) {
          const src = requireSource(d.init);
          if (src) yield src;
        }
      }
    }
  }

  /** SA204 for every import that could not be analysed (files that are otherwise left alone). */
  reportProblems(): void {
    for (const s of this.ctx.program.body) {
      const source =
        s.type === "ImportDeclaration" ||
        s.type === "ExportNamedDeclaration" ||
        s.type === "ExportAllDeclaration"
          ? s.source?.value
          : undefined;
      if (source) this.problem(source, this.factsOf(source), s);
    }
  }

  /** Whether anything imported is smartasync (the fast path for files without annotations). */
  any(): boolean {
    for (const source of this.sources()) {
      const f = this.factsOf(source);
      if (f.exports.size || f.methods.size) return true;
    }
    return false;
  }

  methodKinds(): Map<string, Set<FunctionKind>> {
    const out = new Map<string, Set<FunctionKind>>();
    for (const source of this.sources()) {
      for (const [m, kinds] of this.factsOf(source).methods)
        out.set(m, new Set([...(out.get(m) ?? []), ...kinds]));
    }
    return out;
  }

  private localFor(holder: Holder, imported: string): string {
    const key = holder.kind === "import" ? holder.decl : holder.pattern;
    const table = this.locals.get(key) ?? new Map<string, string>();
    this.locals.set(key, table);
    const known = table.get(imported);
    if (known) return known;
    // Already imported by hand under some local name?
    if (holder.kind === "import") {
      for (const sp of holder.decl.specifiers) {
        if (sp.type !== "ImportSpecifier") continue;
        const name = sp.imported.type === "Identifier" ? sp.imported.name : sp.imported.value;
        if (name === imported) {
          table.set(imported, sp.local.name);
          return sp.local.name;
        }
      }
    }
    const local =
      isIdentifierName(imported) && this.names.isFree(imported)
        ? imported
        : this.names.uid(identifierHint(imported));
    this.names.reserve(local);
    table.set(imported, local);
    this.pending.push({ holder, imported, local });
    return local;
  }

  /** The imported smartasync function a callee identifier or `ns.f` member leads to. */
  resolve(callee: Node): ImportedRef | undefined {
    let name: string;
    let bindingName: string;
    let shape: ImportedRef["shape"];
    if (callee.type === "Identifier") {
      bindingName = callee.name;
      name = "";
      shape = "ident";
    } else if (
      (callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression") &&
      callee.object.type === "Identifier" &&
      !callee.computed &&
      callee.property.type === "Identifier"
    ) {
      bindingName = callee.object.name;
      name = callee.property.name;
      shape = "member";
    } else {
      return undefined;
    }
    const binding = this.ctx.scopes.binding(callee, bindingName);
    if (!binding) return undefined;
    const b = binding.node;
    let source: string | undefined;
    let holder: Holder | undefined;
    let at: Node;
    if (
      binding.kind === "module" &&
      (b.type === "ImportSpecifier" ||
        b.type === "ImportDefaultSpecifier" ||
        b.type === "ImportNamespaceSpecifier")
    ) {
      const decl = this.ctx.tree.parent(b) as t.ImportDeclaration;
      source = decl.source.value;
      at = decl;
      if (b.type === "ImportNamespaceSpecifier") {
        if (shape !== "member") return undefined;
      } else {
        if (shape !== "ident") return undefined;
        holder = { kind: "import", decl };
        name =
          b.type === "ImportDefaultSpecifier"
            ? "default"
            : b.imported.type === "Identifier"
              ? b.imported.name
              : b.imported.value;
      }
    } else if (b.type === "VariableDeclarator" && binding.kind === "const") {
      source = requireSource(b.init);
      if (!source) return undefined;
      at = b;
      if (b.id.type === "Identifier") {
        if (shape !== "member") return undefined;
      } else if (b.id.type === "ObjectPattern" && shape === "ident") {
        const pattern = b.id;
        const prop = pattern.properties.find(
          (p) => p.type === "ObjectProperty" && p.value.type === "Identifier" && p.value.name === bindingName,
        ) as t.ObjectProperty | undefined;
        if (!prop || prop.computed || prop.key.type !== "Identifier") return undefined;
        name = prop.key.name;
        holder = { kind: "require", pattern };
      } else {
        return undefined;
      }
    } else {
      return undefined;
    }
    const facts = this.factsOf(source);
    this.problem(source, facts, at);
    let fact = facts.exports.get(name);
    let explicit = false;
    if (!fact) {
      fact = [...facts.exports.values()].find((f) => f.variant === name);
      if (!fact) return undefined;
      explicit = true;
    }
    const f = fact;
    return {
      fact: f,
      shape,
      explicit,
      variantRef: () => (holder ? this.localFor(holder, f.variant) : f.variant),
    };
  }
}
