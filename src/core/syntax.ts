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

/**
 * The syntax an imported module is read with again when it fails to parse as its name says (the
 * module graph only reads it, for its exports and annotations): JSX in a `.js` file, which React
 * projects write, and decorators, which a project's own compiler settings may enable (attack25
 * F20: such a module "could not be parsed" for its importers, every call into it left plain).
 * A `.ts` file keeps JSX off: its `<T>x` casts are not JSX.
 */
export function lenientSyntaxOf(path: string | undefined): {
  typescript: boolean;
  jsx: boolean;
  decorators: true;
} {
  const { typescript, jsx } = syntaxOf(path);
  return { typescript, jsx: jsx || !typescript, decorators: true };
}
