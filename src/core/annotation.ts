import { editDistance } from "./did-you-mean.js";

/**
 * Recognises the annotation in a comment's text (DESIGN §2). Anchored like Babel's `@jsx`
 * pragma: the tag must start the comment (or a JSDoc line) and end at whitespace or the end,
 * so `@smartasyncfoo` is not an annotation and prose that mentions `@smartasync` mid-line is
 * ignored.
 */
export type AnnotationParse =
  | { kind: "none" }
  | { kind: "annotation"; names?: VariantNames; factory?: true; sameThread?: true }
  | { kind: "malformed"; extra: string };

/**
 * Explicit variant names, for APIs whose names do not follow the suffix:
 * `// @smartasync sync=readBlocking` names the sync variant of an async function,
 * `async=hashInPool` the async variant of a sync one (docs/semantics.md, "Kinds and variants").
 */
export interface VariantNames {
  sync?: string;
  async?: string;
}

// One word: `sync=` or `async=` and an identifier (ASCII, as the suffix options are).
const NAME_WORD = /^(sync|async)=([A-Za-z_$][\w$]*)$/;

/**
 * The words after the tag: variant names, `factory` (a function returning an object of
 * annotated methods gets a sync twin, docs/semantics.md, "Factories") and `same-thread` (a sync
 * function's async variant runs it on the calling thread, never offloaded: its effects outside JS
 * memory then happen at the call, as in the plain program; docs/semantics.md, "The async variant
 * of a sync function"); undefined when any word is none of these, or comes twice (SA101).
 */
function annotationWords(
  extra: string,
): { names?: VariantNames; factory?: true; sameThread?: true } | undefined {
  const names: VariantNames = {};
  let factory: true | undefined;
  let sameThread: true | undefined;
  let named = false;
  for (const word of extra.split(/\s+/)) {
    if (word === "factory") {
      if (factory) return undefined;
      factory = true;
      continue;
    }
    if (word === "same-thread") {
      if (sameThread) return undefined;
      sameThread = true;
      continue;
    }
    const m = NAME_WORD.exec(word);
    if (!m) return undefined;
    named = true;
    const key = m[1] as "sync" | "async";
    if (names[key] !== undefined) return undefined;
    names[key] = m[2];
  }
  return {
    ...(named ? { names } : {}),
    ...(factory ? { factory } : {}),
    ...(sameThread ? { sameThread } : {}),
  };
}

const TAG = "@smartasync";

export const ACCEPTED_FORMS = "`// @smartasync`, `/* @smartasync */`, or a JSDoc line `* @smartasync`";

/** Whitespace as `\s` means it; one character tested at a time, so every scan below is linear. */
function isSpace(ch: string): boolean {
  return /\s/.test(ch);
}

/**
 * Where a line's text starts past the JSDoc margin (whitespace, one `*`, whitespace), and
 * where it ends before a trailing `*` and whitespace. Hand-scanned: the regexes that said this
 * (optional whitespace, star, whitespace, anchored at either end) backtrack over a run of
 * whitespace, cubically at the end (a 3 KB comment took 13 s; test/security/redos.test.ts).
 */
function marginEnd(line: string): number {
  let i = 0;
  while (i < line.length && isSpace(line[i]!)) i++;
  if (line[i] === "*") i++;
  while (i < line.length && isSpace(line[i]!)) i++;
  return i;
}

function trailerStart(line: string, from: number): number {
  let j = line.length;
  while (j > from && isSpace(line[j - 1]!)) j--;
  if (j > from && line[j - 1] === "*") j--;
  while (j > from && isSpace(line[j - 1]!)) j--;
  return j;
}

/** `value` is the comment's text without its delimiters, as Babel and SWC give it. */
export function parseAnnotation(value: string, block: boolean): AnnotationParse {
  // A line holding the tag is part of the value: without it, no line is read (the analysis asks
  // about every comment of a file, and a real file's JSDoc lines were split and their margins
  // read one character at a time).
  if (!value.includes(TAG)) return { kind: "none" };
  const lines = block ? value.split(/\r\n|\r|\n/) : [value];
  for (const raw of lines) {
    // JSDoc continuation lines start with `*`; the JSDoc opener leaves one `*` in the value.
    const start = marginEnd(raw);
    const line = raw.slice(start, trailerStart(raw, start));
    if (!line.startsWith(TAG)) continue;
    const rest = line.slice(TAG.length);
    if (rest !== "" && !/^\s/.test(rest)) continue; // `@smartasyncfoo`: a different word
    const extra = rest.trim();
    if (extra === "") return { kind: "annotation" };
    const words = annotationWords(extra);
    return words ? { kind: "annotation", ...words } : { kind: "malformed", extra };
  }
  return { kind: "none" };
}

/**
 * An invisible format character (Unicode category Cf: the zero-width space, joiners and word
 * joiner, the soft hyphen, the bidirectional marks): next to the tag it cannot be seen, but
 * `@smartasync\u200b` is not `@smartasync` to the parser, nor to a reader's search. The BOM
 * (U+FEFF) is whitespace to JavaScript's `\s`, so the tag beside it already is an annotation.
 */
export function isInvisible(ch: string): boolean {
  return /\p{Cf}/u.test(ch) && !isSpace(ch);
}

/** The invisible format characters (isInvisible) in `text`, in order. */
export function invisibleIn(text: string): string[] {
  return [...text].filter(isInvisible);
}

/**
 * A tag that is probably a typo of `@smartasync` (`@smartasnyc`, `@smartAsync`, `@smart-async`),
 * or the tag itself with an invisible format character right before or after it
 * (`@smartasync\u200b`, often pasted along): returned so it can be reported (SA107), never taken
 * as an annotation. Longer words that merely start with the tag (`@smartasyncfoo`) are different
 * words, as for `@jsx`. The word comes back with the invisible characters it was written with.
 */
export function misspelledTag(value: string, block: boolean): string | undefined {
  const lines = block ? value.split(/\r\n|\r|\n/) : [value];
  for (const raw of lines) {
    let from = marginEnd(raw);
    const start = from;
    while (from < raw.length && isInvisible(raw[from]!)) from++;
    const word = /^@[\w-]+/.exec(raw.slice(from))?.[0];
    if (!word) continue;
    let end = from + word.length;
    while (end < raw.length && isInvisible(raw[end]!)) end++;
    const hidden = from > start || end > from + word.length;
    if (word === TAG) {
      if (hidden) return raw.slice(start, end);
      continue;
    }
    const norm = word.toLowerCase().replace(/[-_]/g, "");
    if (norm === TAG || (editDistance(norm, TAG) <= 2 && !word.startsWith(TAG))) return raw.slice(start, end);
  }
  return undefined;
}

/** Cheap pre-check for misspelled tags: only files with `@smart…` in them are looked at. */
export function mayContainMisspelling(source: string): boolean {
  // indexOf per `@` beats a case-insensitive regex over the whole file (bench/swc.mjs corpus).
  for (let i = source.indexOf("@"); i !== -1; i = source.indexOf("@", i + 1)) {
    const c = source.charCodeAt(i + 1) | 0x20;
    if (c === 0x73 /* s */ && source.slice(i + 1, i + 6).toLowerCase() === "smart") return true;
  }
  return false;
}

/**
 * Cheap pre-check on a whole file (the fast path): can it contain an annotation, or the typed
 * form `smartasync(...)` imported from the runtime, at all?
 */
export function mayContainAnnotation(source: string, runtime = "smartasync/runtime"): boolean {
  return hasTag(source) || mayContainTypedForm(source, runtime);
}

/**
 * `mayContainAnnotation` without the tag search, for a caller that has just found no `@smart…`
 * word with `mayContainMisspelling` (the tag is one: every `@` followed by `smart` in any case is
 * such a word), so the text is not searched for the tag a second time.
 */
export function mayContainTypedForm(source: string, runtime = "smartasync/runtime"): boolean {
  return source.includes(runtime) && /\bsmartasync\s*\(/.test(source);
}

/** `source.includes(TAG)`, by the native search for the rare `@` (several times faster on real files). */
function hasTag(source: string): boolean {
  for (let i = source.indexOf("@"); i !== -1; i = source.indexOf("@", i + 1))
    if (source.startsWith(TAG, i)) return true;
  return false;
}
