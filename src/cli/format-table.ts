/** `--format table`: per file, the call-site table, the function table and the diagnostics. */
import type { Report } from "../core/report.js";
import { type Paint, visibleLength } from "./colour.js";
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
  return p.line === undefined ? loc : `${p.line}:${p.column}`;
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

export function formatReportTable(report: Report, paint: Paint): string {
  const style = (s: string): string => {
    const st = strategyStyle(s);
    return st ? paint(st, s) : s;
  };
  const out: string[] = [paint("bold", report.file)];
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
          c.callee,
          c.context,
          c.in,
          style(c.strategy),
          c.target,
          c.reason ?? "",
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
          f.name,
          f.kind,
          [f.variants.sync, f.variants.async].filter(Boolean).join(", "),
          style(f.syncStrategy ?? f.asyncStrategy ?? ""),
          f.reasons.join("; "),
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
      out.push(`    ${lineCol(d.loc)}  ${sev} ${paint("bold", d.code)}: ${d.message}`);
    }
  }
  return out.join("\n");
}
