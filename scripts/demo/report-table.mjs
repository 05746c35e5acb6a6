// Renders smartasync reports as tables, like `smartasync inspect` would: one block per file,
// functions (name, kind, variants, strategy) then calls (loc, callee, context, in, strategy,
// target). Colour only when asked (the caller checks the TTY and NO_COLOR).

export function painter(enabled) {
  const c = (code) => (s) => (enabled && s !== "" ? `\x1b[${code}m${s}\x1b[0m` : String(s));
  return {
    bold: c(1),
    dim: c(2),
    red: c(31),
    green: c(32),
    yellow: c(33),
    blue: c(34),
    magenta: c(35),
    cyan: c(36),
  };
}

const strategyColour = {
  inline: "green",
  "sync-inline": "green",
  worker: "yellow",
  "sync-worker": "yellow",
  offload: "cyan",
  "same-thread": "red",
  dispatch: "magenta",
  explicit: "blue",
  direct: "dim",
};

/** Aligns `rows` (arrays of plain strings) in columns; `paint(i, cell, row)` colours a cell. */
export function table(rows, { indent = "    ", paint = (_i, cell) => cell, header = (s) => s } = {}) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r, n) => {
    const cells = r.map((cell, i) => {
      const padded = i === r.length - 1 ? cell : cell.padEnd(widths[i]);
      return n === 0 ? header(padded) : paint(i, padded, r);
    });
    return (indent + cells.join("  ")).trimEnd();
  });
}

/** The lines of one report: a title, its functions, its calls, its diagnostics. */
export function renderReport(report, { colour = false, path = report.file } = {}) {
  const p = painter(colour);
  const strat = (s, strategy) => (p[strategyColour[strategy.trim()]] ?? ((x) => x))(s);
  const out = [`  ${p.bold(path)}`];
  if (report.functions.length === 0 && report.calls.length === 0) {
    out[0] += p.dim("  no @smartasync functions or calls: unchanged");
    return out;
  }
  const fnRows = [["function", "kind", "variants", "strategy", "why"]];
  for (const f of report.functions) {
    const variants = Object.entries(f.variants)
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ");
    fnRows.push([f.name, f.kind, variants, f.syncStrategy ?? f.asyncStrategy ?? "", f.reasons.join("; ")]);
  }
  if (fnRows.every((r, i) => i === 0 || r[4] === "")) for (const r of fnRows) r.pop();
  // A file that only calls functions of other modules has no function table.
  if (report.functions.length) {
    out.push(
      ...table(fnRows, {
        header: p.dim,
        paint: (i, cell) =>
          i === 0 ? p.bold(cell) : i === 3 ? strat(cell, cell) : i === 4 ? p.dim(cell) : cell,
      }),
    );
  }
  if (report.calls.length) {
    if (report.functions.length) out.push("");
    const callRows = [["loc", "callee", "context", "in", "strategy", "target", "from"]];
    for (const c of report.calls)
      callRows.push([c.loc, c.callee, c.context, c.in, c.strategy, c.target, c.from ?? ""]);
    if (callRows.every((r, i) => i === 0 || r[6] === "")) for (const r of callRows) r.pop();
    out.push(
      ...table(callRows, {
        header: p.dim,
        paint: (i, cell, row) => (i === 0 ? p.dim(cell) : i === 4 || i === 5 ? strat(cell, row[4]) : cell),
      }),
    );
  }
  for (const d of report.diagnostics) {
    const sev = d.severity === "error" ? p.red : p.yellow;
    out.push(`    ${sev(`${d.code} ${d.severity}`)} ${d.loc}: ${d.message.split("\n")[0]}`);
  }
  return out;
}
