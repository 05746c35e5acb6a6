/**
 * `build`'s write of one compiled file — its code, and its source map beside it — done in the
 * CLI's thread as each outcome comes back, whichever thread compiled it: one thread creating
 * the files was faster here than the workers creating them at once (pool.ts, docs/cli.md
 * "Parallelism"), and the CLI's thread is otherwise idle while the workers compile. Only the
 * report is kept afterwards (the code and map are dropped once written). The CLI's thread prints
 * what comes back, in input order.
 */
import { statSync } from "node:fs";
import { basename } from "node:path";
import { describeFsError } from "./files.js";
import { withoutMapComment } from "./input-map.js";
import { urlOfName } from "./map-url.js";
import { writeOutput } from "./out-dir.js";
import type { TransformOutcome } from "./transform-file.js";

/** Where a compiled file goes: its output path (the map beside it) under the out-dir. */
export interface OutputPlan {
  outDir: string;
  target: string;
  /** The source file, whose permission bits the outputs keep. */
  source: string;
}

/** What became of a compiled file's outputs. */
export interface WriteResult {
  /** Written (code and map). */
  ok: boolean;
  /** Files written in place of a symbolic link (its target untouched). */
  replacedLinks: string[];
  /** Why the write failed: the output file, and the file system's reason. */
  error?: { file: string; reason: string };
}

/**
 * Writes `o`'s code (and map) and returns the outcome without them: the code becomes `""` and
 * the map `null` (build reads only the report, the exports and the notes afterwards).
 */
export function writeBuilt(
  o: TransformOutcome,
  plan: OutputPlan,
): TransformOutcome & { written?: WriteResult } {
  if (!o.ok) return o;
  const { target, outDir } = plan;
  const written: WriteResult = { ok: false, replacedLinks: [] };
  // The source's own `sourceMappingURL` comment, if the compiler kept it, named the source's map.
  let code = withoutMapComment(o.code.endsWith("\n") ? o.code : `${o.code}\n`);
  try {
    // The compiled file keeps its source's permission bits: a `#!/usr/bin/env node` script stays
    // executable (attack29, suspected: it came out -rw-r--r--; test/cli/build-modes.test.ts), a
    // private one private. Its map holds the source too: the same bits, without execute.
    const mode = statSync(plan.source).mode & 0o777;
    if (o.map) {
      const mapFile = `${target}.map`;
      const map = { ...o.map, file: basename(target) };
      if (writeOutput(outDir, mapFile, `${JSON.stringify(map)}\n`, mode & 0o666).replacedLink)
        written.replacedLinks.push(mapFile);
      code += `//# sourceMappingURL=${urlOfName(basename(mapFile))}\n`;
    }
    if (writeOutput(outDir, target, code, mode).replacedLink) written.replacedLinks.push(target);
    written.ok = true;
  } catch (e) {
    written.error = { file: target, reason: describeFsError(e) };
  }
  return { ...o, code: "", map: null, written };
}
