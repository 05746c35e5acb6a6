import type { types as t } from "@babel/core";

/**
 * The type-only wrappers and parentheses around an expression: they change neither a value nor
 * where it flows. A leaf module (nothing of the analysis imported), so that every file that walks
 * through them reads this one set — return-type.ts among them, which view.ts imports and so
 * cannot import view.ts back.
 */
export const TRANSPARENT: ReadonlySet<string> = new Set([
  "ParenthesizedExpression",
  "TSAsExpression",
  "TSSatisfiesExpression",
  "TSNonNullExpression",
  "TSTypeAssertion",
  "TSInstantiationExpression",
  "TypeCastExpression",
]);

/**
 * The expression inside type-only wrappers and parentheses (`(f as T)` → `f`): the walk down
 * to the value. view.ts `consumerOf` is the walk up.
 */
export function strip(n: t.Node): t.Node {
  let cur = n;
  while (TRANSPARENT.has(cur.type)) cur = (cur as { expression: t.Node }).expression;
  return cur;
}

/** Parentheses, TypeScript wrappers and `(a, f)` sequences around a callee: what is called is `f`. */
export function peelCallee(n: t.Node): t.Node {
  for (;;) {
    n = strip(n);
    if (n.type === "SequenceExpression") n = n.expressions[n.expressions.length - 1] as t.Node;
    else return n;
  }
}
