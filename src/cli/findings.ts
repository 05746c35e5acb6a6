/**
 * What the output formats and `check` read from a run: every diagnostic of every file, a file
 * that could not be compiled counting as one error diagnostic (its SA code, or `syntax-error`,
 * `read-error`, `config-error`, `internal-error`), and the counts of the summary.
 */
import type { Report } from "../core/report.js";
import type { TransformFailure, TransformOutcome } from "./transform-file.js";

export interface Finding {
  code: string;
  severity: "error" | "warning" | "hint";
  message: string;
  /** `path:line:column`, or the path alone. */
  loc: string;
}

export interface Position {
  path: string;
  line?: number;
  column?: number;
}

/** Splits `path:line:column` from the end (a path may itself hold colons, or line breaks). */
export function parseLoc(loc: string): Position {
  const m = /^([\s\S]*):(\d+):(\d+)$/.exec(loc);
  if (!m) return { path: loc };
  return { path: m[1]!, line: Number(m[2]), column: Number(m[3]) };
}

export function failureFinding(f: TransformFailure): Finding {
  return { code: f.code, severity: "error", message: f.message, loc: f.loc };
}

export function findingsOf(outcome: TransformOutcome): Finding[] {
  return outcome.ok ? outcome.report.diagnostics : [failureFinding(outcome)];
}

/**
 * The report of a file, as `--format json` prints it: the plugin's own report object, or for a
 * file that could not be compiled a report with no functions or calls and that one error.
 */
export function reportOf(
  outcome: TransformOutcome,
): Report | (Omit<Report, "diagnostics"> & { diagnostics: Finding[] }) {
  if (outcome.ok) return outcome.report;
  return { version: 1, file: outcome.path, functions: [], calls: [], diagnostics: [failureFinding(outcome)] };
}

export interface Summary {
  files: number;
  failed: number;
  functions: number;
  calls: number;
  strategies: Record<string, number>;
  codes: Record<string, number>;
  errors: number;
  warnings: number;
  hints: number;
  ms: number;
}

export function summarise(outcomes: TransformOutcome[], ms: number): Summary {
  const s: Summary = {
    files: outcomes.length,
    failed: 0,
    functions: 0,
    calls: 0,
    strategies: {},
    codes: {},
    errors: 0,
    warnings: 0,
    hints: 0,
    ms,
  };
  for (const o of outcomes) {
    if (!o.ok) s.failed++;
    else {
      s.functions += o.report.functions.length;
      s.calls += o.report.calls.length;
      for (const c of o.report.calls) s.strategies[c.strategy] = (s.strategies[c.strategy] ?? 0) + 1;
    }
    for (const d of findingsOf(o)) {
      s.codes[d.code] = (s.codes[d.code] ?? 0) + 1;
      if (d.severity === "error") s.errors++;
      else if (d.severity === "warning") s.warnings++;
      else s.hints++;
    }
  }
  return s;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function counts(table: Record<string, number>): string {
  return Object.keys(table)
    .sort()
    .map((k) => `${k} ${table[k]}`)
    .join(", ");
}

/** `12 files (1 failed), 8 functions, 23 calls (direct 10, sync-inline 5), diagnostics: SA201 2; 0.42 s` */
export function formatSummary(s: Summary): string {
  const parts = [
    plural(s.files, "file") + (s.failed > 0 ? ` (${s.failed} failed)` : ""),
    plural(s.functions, "function"),
    plural(s.calls, "call") + (s.calls > 0 ? ` (${counts(s.strategies)})` : ""),
    s.errors + s.warnings + s.hints > 0 ? `diagnostics: ${counts(s.codes)}` : "no diagnostics",
  ];
  return `${parts.join(", ")}; ${(s.ms / 1000).toFixed(2)} s`;
}
