/**
 * `@swc/core` ends the whole process (a segmentation fault, no error to catch) on brackets
 * nested a few thousand deep — measured: 3,000 parentheses in a 6 KB file, or 8,000 `import(`.
 * One such file would take every other file of a `check` or `build` down with it, so
 * smartasync/swc measures the nesting first, in one linear pass, and refuses a file past the
 * limit with a located error (security review; test/security/swc-depth.test.ts).
 */

/** Deeper than anything written by hand; far below where SWC crashes. */
export const MAX_NESTING = 1000;

export interface TooDeep {
  line: number;
  column: number;
}

/**
 * Where the nesting of `(`, `[`, `{` and template substitutions first passes `max`, or undefined.
 * Comments, strings and template text are skipped; a regular expression literal is read as code,
 * which can only over-count (a refusal, never a crash).
 */
export function tooDeep(src: string, max = MAX_NESTING): TooDeep | undefined {
  // Each entry: true for a template substitution `${`, false for a bracket.
  const stack: boolean[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const n = src.length;
  const inTemplate = (): void => {
    // In template text: up to the closing backtick (pop) or a `${` (push).
    for (; i < n; i++) {
      const c = src.charCodeAt(i);
      if (c === 92 /* \ */) {
        i++;
        continue;
      }
      if (c === 10) {
        line++;
        lineStart = i + 1;
      } else if (c === 96 /* ` */) {
        i++;
        return;
      } else if (c === 36 /* $ */ && src.charCodeAt(i + 1) === 123) {
        stack.push(true);
        i += 2;
        return;
      }
    }
  };
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
      i++;
    } else if (c === 47 /* / */ && src.charCodeAt(i + 1) === 47) {
      while (i < n && src.charCodeAt(i) !== 10) i++;
    } else if (c === 47 && src.charCodeAt(i + 1) === 42 /* * */) {
      i += 2;
      while (i < n && !(src.charCodeAt(i) === 42 && src.charCodeAt(i + 1) === 47)) {
        if (src.charCodeAt(i) === 10) {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      i += 2;
    } else if (c === 34 || c === 39 /* " ' */) {
      i++;
      while (i < n && src.charCodeAt(i) !== c && src.charCodeAt(i) !== 10)
        i += src.charCodeAt(i) === 92 ? 2 : 1;
      i++;
    } else if (c === 96) {
      i++;
      inTemplate();
      if (stack.length > max) return { line, column: i - lineStart };
    } else if (c === 40 || c === 91 || c === 123 /* ( [ { */) {
      stack.push(false);
      if (stack.length > max) return { line, column: i - lineStart + 1 };
      i++;
    } else if (c === 41 || c === 93 || c === 125 /* ) ] } */) {
      const wasTemplate = stack.pop();
      i++;
      if (wasTemplate) inTemplate();
    } else i++;
  }
  return undefined;
}
