/**
 * Character classes shared by the hand scanners that read source text (the nesting pre-pass,
 * the analysis' word index, the SWC lowering): one definition, so they agree on what a word is.
 */

/** Whether the character code may continue an identifier (ASCII letters, digits, `$`, `_`, `\`, any non-ASCII). */
export function isIdentChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 36 ||
    c === 95 ||
    c === 92 ||
    c > 0x7f
  );
}

/** White space past ASCII (`\u00a0`, `\u1680`, `\u2000`–`\u200a`, line and paragraph separators, `\u202f`, `\u205f`, `\u3000`, BOM). */
export function isWideSpace(c: number): boolean {
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** A regex's `\w` without the `u` flag (`[A-Za-z0-9_]`; `NaN`, read past a text's end, is none). */
export function isRegexWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** A regex's `\s` (ECMAScript's WhiteSpace and LineTerminator). */
export function isRegexSpace(c: number): boolean {
  return (c >= 0x09 && c <= 0x0d) || c === 0x20 || isWideSpace(c);
}

/**
 * The text as Babel should read it: without a leading byte-order mark. Babel takes a hashbang
 * only at the very start, so after a mark it is a syntax error where Node and SWC drop the mark
 * first (attack21 F8); and Babel counts the mark as a column of line 1, where Node, SWC and
 * editors do not, so every report and mapped frame on line 1 stood one column right (attack32
 * F07). Dropping it is what Node does when it runs the file.
 */
export function withoutBom(code: string): string {
  return code.charCodeAt(0) === 0xfeff ? code.slice(1) : code;
}
