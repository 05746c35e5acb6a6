/**
 * What a file's extension says about its syntax, as both compilers read imported modules and
 * typed variants (`.ts`/`.mts`/`.cts` TypeScript, `.tsx` TypeScript with JSX, `.jsx` JSX). One
 * rule; each adapter turns it into its parser's options.
 */
export function syntaxOf(path: string | undefined): { typescript: boolean; jsx: boolean; commonjs: boolean } {
  const p = path ?? "";
  const typescript = /\.[cm]?tsx?$/.test(p);
  return {
    typescript,
    jsx: /\.[cm]?tsx$/.test(p) || /\.jsx$/.test(p),
    // A `.cjs` is a CommonJS script: Node wraps it in a function, so a top-level `return` is
    // legal there (Babel's `allowReturnOutsideFunction`, SWC's `isModule: "commonjs"`).
    commonjs: /\.cjs$/.test(p),
  };
}
