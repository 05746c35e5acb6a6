/**
 * `smartasync inspect --diff`: the transformed code as a unified diff against the input, in time
 * bounded whatever the file holds (SECURITY.md, "How long one file may take").
 *
 * A line diff (Myers, as `diff` computes it) costs about edits × (lines + edits): quadratic when
 * every line changes, which a hostile or merely reformatted file achieves (40,000 lines that each
 * print differently ran for minutes). So:
 *
 * - the lines both texts share at the start and at the end are set aside first, in one linear
 *   pass (kept as the hunks' context), and only the region between is diffed;
 * - that diff may take at most the edits `e` with `e × (its lines + e) ≤ DIFF_WORK_LIMIT`
 *   (1,000 lines that all change still get their diff, well under a second): a region that
 *   needs more is not diffed, and the file's diff says so on a line of its own
 *   (`diff omitted: too large`, with the region's size) instead of stalling;
 * - it runs in the same worker as the file's compile (`transformAndDiff`), so it counts against
 *   the per-file budget (`--file-timeout`) like the compile itself.
 */
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from "diff";
import { type TransformOptions, type TransformOutcome, transformFile } from "./transform-file.js";

/** Edits × (lines of the changed region + edits) the diff may explore: about a second at most. */
export const DIFF_WORK_LIMIT = 15_000_000;
/** Unchanged lines shown around each change. */
const CONTEXT = 3;

/** A file's diff: the patch text, or why none is shown; `undefined` when the code is unchanged. */
export type FileDiff = { patch: string } | { omitted: string };

/** The outcome of one file for `inspect --diff`: its diff instead of its source text. */
export type DiffedOutcome = TransformOutcome & { diff?: FileDiff };

/**
 * One file compiled (transform-file.ts) and, when `diff` is asked for, diffed in the same call,
 * so that a worker running it spends the file's one budget on both. The source text is dropped
 * once the diff is made (it would cross back from the worker for nothing).
 */
export async function transformAndDiff(
  file: string,
  options: TransformOptions,
  diff = false,
): Promise<DiffedOutcome> {
  const r = await transformFile(file, diff ? { ...options, keepSource: true } : options);
  if (!diff || !r.ok) return r;
  const { source, ...rest } = r;
  const d = fileDiff(r.path, source ?? "", r.code);
  return d ? { ...rest, diff: d } : rest;
}

/**
 * `after` against `before` as a unified diff with file headers `a/<path>`, `b/<path>`, as
 * `createTwoFilesPatch` writes it; a region too large to diff in bounded time gives `omitted`.
 */
export function fileDiff(path: string, before: string, after: string): FileDiff | undefined {
  if (before.endsWith("\n") && !after.endsWith("\n")) after += "\n";
  if (before === after) return undefined;
  const a = before.split("\n");
  const b = after.split("\n");
  // The pieces split on "\n" (the last one is what follows the last line break). Shared leading
  // pieces, then shared trailing ones that do not overlap them.
  const shorter = Math.min(a.length, b.length);
  let head = 0;
  while (head < shorter - 1 && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < shorter - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const from = Math.max(0, head - CONTEXT);
  const oldPart = region(a, from, a.length - Math.max(0, tail - CONTEXT));
  const newPart = region(b, from, b.length - Math.max(0, tail - CONTEXT));
  const n = oldPart.lines + newPart.lines;
  // The largest e with e × (n + e) ≤ DIFF_WORK_LIMIT.
  const maxEditLength = Math.floor((Math.sqrt(n * n + 4 * DIFF_WORK_LIMIT) - n) / 2);
  const patch = structuredPatch(`a/${path}`, `b/${path}`, oldPart.text, newPart.text, undefined, undefined, {
    context: CONTEXT,
    maxEditLength,
  });
  if (!patch) {
    return {
      omitted: `diff omitted: too large (from line ${head + 1}, ${count(a.length - head - tail)} of the input and ${count(b.length - head - tail)} of the output differ in more than ${count(maxEditLength)} places; diffing them would take time quadratic in their size). \`smartasync build\` writes the transformed file.`,
    };
  }
  for (const h of patch.hunks) {
    h.oldStart += from;
    h.newStart += from;
  }
  return { patch: formatPatch(patch, FILE_HEADERS_ONLY) };
}

const count = (n: number): string => n.toLocaleString("en-US");

/** The text of pieces `[from, to)`: each but the last ended by the line break that followed it. */
function region(pieces: readonly string[], from: number, to: number): { text: string; lines: number } {
  if (to <= from) return { text: "", lines: 0 };
  const text = pieces.slice(from, to).join("\n") + (to < pieces.length ? "\n" : "");
  return { text, lines: to - from };
}

/** The text `inspect --diff` prints for a file whose diff was omitted: its headers (as a patch writes them) and the reason. */
export function omittedText(path: string, why: string): string {
  return `${formatPatch({ oldFileName: `a/${path}`, newFileName: `b/${path}`, oldHeader: undefined, newHeader: undefined, hunks: [] }, FILE_HEADERS_ONLY)}${why}`;
}
