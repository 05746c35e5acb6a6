/** `--format table`: per file, the call-site table, the function table and the diagnostics. */
import type { Report } from "../core/report.js";
import { type Paint, visibleLength } from "./colour.js";
import { oneLine } from "./escape.js";
import { parseLoc } from "./findings.js";

/** Aligned columns; the header dimmed. */
export function table(header: string[], rows: string[][], paint: Paint, indent = "  "): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ""))));
  const line = (cells: string[]): string =>
    indent +
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat(widths[i]! - visibleLength(c))))
      .join("  ")
      .trimEnd();
  return [paint("dim", line(header)), ...rows.map(line)].join("\n");
}

const lineCol = (loc: string): string => {
  const p = parseLoc(loc);
  return p.line === undefined ? oneLine(loc) : `${p.line}:${p.column}`;
};

function strategyStyle(strategy: string): "red" | "yellow" | "green" | "cyan" | undefined {
  switch (strategy) {
    case "sync-worker":
    case "worker":
    case "same-thread":
      return "yellow";
    case "sync-inline":
    case "inline":
      return "green";
    case "offload":
    case "dispatch":
      return "cyan";
    default:
      return undefined;
  }
}

/**
 * Every text cell comes from the sources (names, reasons quoting code, file names): each is one
 * line with its control characters escaped (escape.ts), so a cell cannot break the table or act
 * on the terminal.
 */
export function formatReportTable(report: Report, paint: Paint): string {
  const style = (s: string): string => {
    const st = strategyStyle(s);
    return st ? paint(st, oneLine(s)) : oneLine(s);
  };
  const out: string[] = [paint("bold", oneLine(report.file))];
  if (report.functions.length === 0 && report.calls.length === 0 && report.diagnostics.length === 0) {
    out.push(paint("dim", "  no @smartasync functions or calls"));
    return out.join("\n");
  }
  if (report.calls.length > 0) {
    out.push(`  calls (${report.calls.length})`);
    out.push(
      table(
        ["loc", "callee", "context", "in", "strategy", "target", "reason"],
        report.calls.map((c) => [
          lineCol(c.loc),
          oneLine(c.callee),
          oneLine(c.context),
          oneLine(c.in),
          style(c.strategy),
          oneLine(c.target),
          oneLine(c.reason ?? ""),
        ]),
        paint,
        "    ",
      ),
    );
  }
  if (report.functions.length > 0) {
    out.push(`  functions (${report.functions.length})`);
    out.push(
      table(
        ["loc", "name", "kind", "variants", "strategy", "why"],
        report.functions.map((f) => [
          lineCol(f.loc),
          oneLine(f.name),
          oneLine(f.kind),
          oneLine([f.variants.sync, f.variants.async].filter(Boolean).join(", ")),
          style(f.syncStrategy ?? f.asyncStrategy ?? ""),
          oneLine(f.reasons.join("; ")),
        ]),
        paint,
        "    ",
      ),
    );
  }
  if (report.diagnostics.length > 0) {
    out.push(`  diagnostics (${report.diagnostics.length})`);
    for (const d of report.diagnostics) {
      const sev =
        d.severity === "error"
          ? paint("red", d.severity)
          : d.severity === "warning"
            ? paint("yellow", d.severity)
            : paint("cyan", d.severity);
      out.push(`    ${lineCol(d.loc)}  ${sev} ${paint("bold", oneLine(d.code))}: ${oneLine(d.message)}`);
    }
  }
  return out.join("\n");
}
