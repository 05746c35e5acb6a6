import type { Tree } from "./tree.js";

/** Where the file's identifiers are known (the tree is built only when a name is needed). */
interface HasTree {
  readonly tree: Tree;
}

/**
 * Names generated code introduces (`_sa`, `_loadSync`), chosen like Babel's `generateUid`
 * (`_x`, `_x2`, …) but checked against every identifier in the file, so a generated name never
 * captures or shadows one the user wrote in any scope.
 */
export class Names {
  private readonly taken = new Set<string>();
  constructor(private readonly ctx: HasTree) {}

  isFree(name: string): boolean {
    return !this.taken.has(name) && !this.ctx.tree.mentions(name);
  }

  /** Claims `name` for generated code (it was free, or is the user's own to reuse). */
  reserve(name: string): void {
    this.taken.add(name);
  }

  uid(hint: string): string {
    let end = hint.length;
    // Trailing digits by a scan from the end (`/\d+$/` retries from every digit: quadratic).
    while (end > 0 && hint.charCodeAt(end - 1) >= 48 && hint.charCodeAt(end - 1) <= 57) end--;
    const base = hint.slice(0, end).replace(/^_+/, "") || "ref";
    for (let i = 1; ; i++) {
      const name = `_${base}${i > 1 ? i : ""}`;
      if (this.isFree(name)) {
        this.taken.add(name);
        return name;
      }
    }
  }
}
