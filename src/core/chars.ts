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
