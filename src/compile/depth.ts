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
 *
 * It runs on every file smartasync/swc compiles, the fast path's included, so the plain code
 * between two characters that matter is passed over by native searches (a regex for the next
 * bracket, quote, backtick or slash; `indexOf` for the end of a comment), and the line and
 * column are counted only for the answer (about 2.5× faster than the loop over every character
 * it replaces, on 844 installed files; it also counts a line continued inside a string, which
 * that loop missed).
 */
export function tooDeep(src: string, max = MAX_NESTING): TooDeep | undefined {
  // Each entry: true for a template substitution `${`, false for a bracket.
  const stack: boolean[] = [];
  let i = 0;
  const n = src.length;
  const at = (index: number, columnOffset: number): TooDeep => {
    let line = 1;
    for (let k = src.indexOf("\n"); k !== -1 && k < index; k = src.indexOf("\n", k + 1)) line++;
    const lineStart = src.lastIndexOf("\n", index - 1) + 1;
    return { line, column: index - lineStart + columnOffset };
  };
  const inTemplate = (): void => {
    // In template text: up to the closing backtick (pop) or a `${` (push).
    for (;;) {
      TEMPLATE_STOP.lastIndex = i;
      const m = TEMPLATE_STOP.exec(src);
      if (m === null) {
        i = n;
        return;
      }
      i = m.index;
      const c = src.charCodeAt(i);
      if (c === 92 /* \ */) i += 2;
      else if (c === 96 /* ` */) {
        i++;
        return;
      } else if (src.charCodeAt(i + 1) === 123 /* ${ */) {
        stack.push(true);
        i += 2;
        return;
      } else i++;
    }
  };
  while (i < n) {
    CODE_STOP.lastIndex = i;
    const m = CODE_STOP.exec(src);
    if (m === null) break;
    i = m.index;
    const c = src.charCodeAt(i);
    if (c === 47 /* / */) {
      const next = src.charCodeAt(i + 1);
      if (next === 47) {
        const end = src.indexOf("\n", i);
        i = end < 0 ? n : end;
      } else if (next === 42 /* * */) {
        const end = src.indexOf("*/", i + 2);
        i = end < 0 ? n + 2 : end + 2;
      } else i++;
    } else if (c === 34 || c === 39 /* " ' */) {
      const stop = c === 34 ? DOUBLE_STOP : SINGLE_STOP;
      i++;
      for (;;) {
        stop.lastIndex = i;
        const e = stop.exec(src);
        if (e === null) {
          i = n + 1;
          break;
        }
        i = e.index;
        if (src.charCodeAt(i) === 92) i += 2;
        else {
          i++;
          break;
        }
      }
    } else if (c === 96) {
      i++;
      inTemplate();
      if (stack.length > max) return at(Math.min(i, n), 0);
    } else if (c === 40 || c === 91 || c === 123 /* ( [ { */) {
      stack.push(false);
      if (stack.length > max) return at(i, 1);
      i++;
    } else {
      // ) ] }
      const wasTemplate = stack.pop();
      i++;
      if (wasTemplate) inTemplate();
    }
  }
  return undefined;
}

/** What matters in code: brackets, quotes, backticks and slashes (comments). */
const CODE_STOP = /[()[\]{}"'`/]/g;
/** What ends a string (or escapes in it): its quote, a backslash, a line end. */
const DOUBLE_STOP = /["\\\n]/g;
const SINGLE_STOP = /['\\\n]/g;
/** What matters in template text: an escape, the closing backtick, a `$`. */
const TEMPLATE_STOP = /[\\`$]/g;
