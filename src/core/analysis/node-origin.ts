import { isBuiltin } from "node:module";
import type { Node } from "./tree.js";

/**
 * Which of Node's own functions a module-level value visibly is, read from the module's text
 * (attack26 F07): `promisify(cp.exec)` is `promisify(child_process.exec)`, `cp.execSync` is
 * `child_process.execSync`. Twins by name (twin-by-name.ts) use it to see that an `x`/`xSync`
 * pair of a helper module is two Node functions whose results differ. Only `const` bindings,
 * imports and `require()` of a built-in are followed; anything else has no origin (never a guess).
 */

/** `node:fs` and `fs` alike; undefined for a module that is not built in. */
export function builtinName(specifier: string): string | undefined {
  return isBuiltin(specifier) ? specifier.replace(/^node:/, "") : undefined;
}

/** The module-level bindings of a program that may lead to a built-in: imports and `const`s. */
export class NodeOrigins {
  private readonly bindings = new Map<string, () => string | undefined>();
  /**
   * A `require` the module declares itself: `require("fs")` is then not Node's, unless it is
   * `const require = createRequire(import.meta.url)` of `node:module`.
   */
  private readonly ownRequire: Node | "other" | undefined;

  constructor(body: readonly Node[]) {
    let ownRequire: Node | "other" | undefined;
    for (const stmt of body) {
      const decl =
        stmt.type === "ExportNamedDeclaration" ? (stmt.declaration as Node | null | undefined) : stmt;
      if (
        (decl?.type === "FunctionDeclaration" || decl?.type === "ClassDeclaration") &&
        decl.id?.name === "require"
      )
        ownRequire = "other";
      if (decl?.type === "VariableDeclaration")
        for (const v of decl.declarations)
          if (v.id.type === "Identifier" && v.id.name === "require")
            ownRequire = decl.kind === "const" && v.init ? (v.init as Node) : "other";
    }
    this.ownRequire = ownRequire;
    for (const stmt of body) {
      if (stmt.type === "ImportDeclaration" && stmt.importKind !== "type") {
        const m = builtinName(stmt.source.value);
        if (!m) continue;
        for (const s of stmt.specifiers) {
          if (s.type === "ImportSpecifier") {
            if (s.importKind === "type") continue;
            const name = s.imported.type === "Identifier" ? s.imported.name : s.imported.value;
            this.bindings.set(s.local.name, () => `${m}.${name}`);
          } else this.bindings.set(s.local.name, () => m);
        }
        continue;
      }
      const d = stmt.type === "ExportNamedDeclaration" ? (stmt.declaration as Node | null | undefined) : stmt;
      if (d?.type !== "VariableDeclaration" || d.kind !== "const") continue;
      for (const v of d.declarations) {
        const init = v.init as Node | null | undefined;
        if (!init) continue;
        if (v.id.type === "Identifier") this.bind(v.id.name, () => this.of(init));
        else if (v.id.type === "ObjectPattern")
          // `const { execSync } = require("node:child_process")`
          for (const p of v.id.properties) {
            if (p.type !== "ObjectProperty" || p.computed || p.key.type !== "Identifier") continue;
            if (p.value.type !== "Identifier") continue;
            const key = p.key.name;
            this.bind(p.value.name, () => {
              const o = this.of(init);
              return o ? `${o}.${key}` : undefined;
            });
          }
      }
    }
  }

  /** A binding read once; a `const` that leads back to itself has no origin. */
  private bind(name: string, compute: () => string | undefined): void {
    let state: "new" | "busy" | "done" = "new";
    let value: string | undefined;
    this.bindings.set(name, () => {
      if (state === "done") return value;
      if (state === "busy") return undefined;
      state = "busy";
      value = compute();
      state = "done";
      return value;
    });
  }

  private nodeRequire(): boolean {
    const own = this.ownRequire;
    if (own === undefined) return true;
    return (
      own !== "other" &&
      own.type === "CallExpression" &&
      this.of(own.callee as Node) === "module.createRequire"
    );
  }

  /** The Node function `expr` visibly is (`child_process.execSync`), or undefined. */
  of(expr: Node): string | undefined {
    switch (expr.type) {
      case "Identifier":
        return this.bindings.get(expr.name)?.();
      case "MemberExpression": {
        const p = expr.property as Node;
        const key =
          !expr.computed && p.type === "Identifier"
            ? p.name
            : p.type === "StringLiteral"
              ? p.value
              : undefined;
        const o = key === undefined ? undefined : this.of(expr.object as Node);
        return o ? `${o}.${key}` : undefined;
      }
      case "CallExpression": {
        const [arg] = expr.arguments as Node[];
        const callee = expr.callee as Node;
        if (expr.arguments.length !== 1 || !arg) return undefined;
        // `require("node:child_process")`
        if (callee.type === "Identifier" && callee.name === "require" && this.nodeRequire())
          return arg.type === "StringLiteral" ? builtinName(arg.value) : undefined;
        // `promisify(cp.exec)`, `util.promisify(require("child_process").exec)`
        if (this.of(callee) !== "util.promisify") return undefined;
        const o = this.of(arg);
        return o ? `promisify(${o})` : undefined;
      }
      default:
        return undefined;
    }
  }
}
