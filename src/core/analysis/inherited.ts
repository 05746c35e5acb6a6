import type { types as t } from "@babel/core";
import { MSG } from "../messages.js";
import { type Ctx, fail, literalKeyName, locOf } from "./ctx.js";
import type { SaFunction } from "./model.js";
import type { Node } from "./tree.js";

/**
 * A generated method variant (`getSync` of an annotated `get`) is a new member of its class: in
 * a subclass it replaces whatever member of that name the class inherits, so a base class's own
 * `this.getSync()` would run the subclass's `get` (adversarial review 13, F38; fixture
 * methods/inherited-variant-name). The name must be free along the prototype chain, as SA103
 * asks it to be in the class body:
 * - a base class declared in this file (through `extends Base`, `Base` a class declaration never
 *   reassigned, and so on up its own chain) is read here: a hand-written member of that name is
 *   SA103 at build time; a generated variant of the base's own annotated method is the same
 *   function overridden, as `this.m()` expects;
 * - any other base (an import, an expression, a built-in) cannot be read at build time: the
 *   class checks itself once, when it is created (`ownVariant` in its static block), and a
 *   hand-written inherited member of that name fails there, located.
 */
export interface InheritedCheck {
  name: string;
  variant: string;
  isStatic: boolean;
  loc: string;
}

/** SA103 when a base class declared in this file has a hand-written member the variant would replace. */
export function checkInherited(ctx: Ctx, fn: SaFunction): void {
  if (fn.form !== "class-method") return;
  const seen = readBase(ctx, fn);
  if (typeof seen === "object")
    fail(ctx, "SA103", fn.member!, MSG.inheritedClash(fn.variant, fn.display, seen.clash));
}

/** The run-time checks `list` (methods of one class) needs: those whose bases the file does not show. */
export function inheritedChecks(ctx: Ctx, list: readonly SaFunction[]): InheritedCheck[] {
  const out: InheritedCheck[] = [];
  for (const fn of list) {
    if (fn.form === "class-method" && readBase(ctx, fn) === "unknown")
      out.push({ name: fn.name, variant: fn.variant, isStatic: fn.isStatic, loc: locOf(ctx, fn.member!) });
  }
  return out;
}

/**
 * Walks the bases declared in this file: "free" when none has a hand-written member named like
 * the variant without the method itself (a pair `get`/`getSync` is overridden together, as a
 * base's own generated variant is), the clashing class, or "unknown" when the chain leaves what
 * the file shows.
 */
function readBase(ctx: Ctx, fn: SaFunction): "free" | "unknown" | { clash: string } {
  const seen = new Set<Node>();
  let cls: Node | undefined = fn.holder;
  for (;;) {
    const sup = (cls as { superClass?: Node | null }).superClass;
    if (!sup) return "free";
    if (sup.type !== "Identifier") return "unknown";
    const b = ctx.scopes.binding(sup, (sup as t.Identifier).name);
    if (!b || b.node.type !== "ClassDeclaration" || b.violations.length || seen.has(b.node)) return "unknown";
    cls = b.node;
    seen.add(cls);
    let variant = false;
    let method = false;
    for (const m of (cls as t.ClassDeclaration).body.body as Node[]) {
      const member = m as { key?: Node; computed?: boolean; static?: boolean };
      if (!member.key || !!member.static !== fn.isStatic) continue;
      // A bracketed literal is the plain name; a key computed at run time leaves the check to
      // the class when it is made, `ownVariant` (attack27 F03, fixture
      // methods/computed-key-variant-clash).
      const key = literalKeyName(ctx, member as { key: Node; computed?: boolean });
      if (key === undefined && member.computed) return "unknown";
      if (key === fn.variant) variant = true;
      else if (key === fn.name) method = true;
    }
    if (variant && !method) return { clash: (cls as t.ClassDeclaration).id?.name ?? "the base class" };
    // The pair declared together is overridden together; a base with only the method goes on
    // up: a `getSync` further up, without its `get`, would still be replaced.
    if (variant && method) return "free";
  }
}
