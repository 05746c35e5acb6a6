// Renders docs/performance.md and docs/performance.svg from bench/results/*.json.
//
//   npm run bench:render    (node scripts/render-performance.mjs); `npm run bench` runs it last.
//
// docs/performance.md is its own template: the hand-written prose stays as it is, and only the
// parts between `<!-- render:NAME -->` and `<!-- /render:NAME -->` are replaced by figures from
// the JSON. The output depends on nothing but the JSON and the prose (no clock, no `os`, no
// locale), so the same results always give the same page, and rendering twice changes nothing.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The generated sections, in page order. */
export const SECTIONS = [
  "run",
  "goals",
  "chart",
  "runtime",
  "babel",
  "swc",
  "real-files",
  "server-load",
  "libraries",
];

// ——— numbers ———

const fixed = (x, digits) => {
  const s = x.toFixed(digits);
  return s === `-${(0).toFixed(digits)}` ? s.slice(1) : s;
};
/** Three significant figures at most, never exponent notation. */
const sig = (x) => (Math.abs(x) >= 100 ? fixed(x, 0) : Math.abs(x) >= 10 ? fixed(x, 1) : fixed(x, 2));
/** A duration given in nanoseconds, in the unit that reads best. */
export function dur(ns) {
  const a = Math.abs(ns);
  if (a < 1e3) return `${sig(ns)} ns`;
  if (a < 1e6) return `${sig(ns / 1e3)} µs`;
  if (a < 1e9) return `${sig(ns / 1e6)} ms`;
  return `${sig(ns / 1e9)} s`;
}
const durMs = (ms) => dur(ms * 1e6);
const times = (x) => `${fixed(x, 2)}×`;
const pct = (x) => `${fixed(100 * x, 2)}%`;
const share = (x) => `${fixed(100 * x, 1)}%`;
const signed = (ns) => `${ns >= 0 ? "+" : "−"}${dur(Math.abs(ns))}`;
const load = (xs) => (Array.isArray(xs) ? xs.map((x) => fixed(x, 2)).join(" / ") : "—");
const status = (met) => (met ? "met" : "**not met**");
/** 21269 → "21,269", without locale data. */
const thousands = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const mdCell = (s) => String(s).replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (s) => `\`${s}\``;

/** A markdown table with padded columns (`align`: "l" or "r" per column). */
export function mdTable(header, rows, align = header.map(() => "l")) {
  const all = [header, ...rows].map((r) => r.map(mdCell));
  const w = header.map((_, i) => Math.max(3, ...all.map((r) => r[i].length)));
  const line = (r) =>
    `| ${r.map((c, i) => (align[i] === "r" ? c.padStart(w[i]) : c.padEnd(w[i]))).join(" | ")} |`;
  const rule = `| ${w.map((n, i) => (align[i] === "r" ? `${"-".repeat(n - 1)}:` : "-".repeat(n))).join(" | ")} |`;
  return [line(all[0]), rule, ...all.slice(1).map(line)].join("\n");
}

const escapeXml = (s) =>
  String(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");

// ——— what the results say ———

/** Machine and run facts of one result file (old files have fewer of them). */
function machineOf(r) {
  const m = r?.machine ?? {};
  return {
    node: m.node ?? r?.node ?? "?",
    cores: m.cores ?? r?.cores ?? "?",
    cpu: m.cpu ?? r?.cpu ?? "?",
    os: m.os ?? "?",
    memoryGiB: m.memoryGiB,
    date: m.startedAt ?? r?.date ?? m.date ?? "?",
    loadStart: m.loadAverageAtStart,
    loadEnd: m.loadAverageAtEnd,
  };
}

const stamp = (iso) => (iso.length > 16 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : iso);

// Runtime rows: a label, a kind (anchor / ours / another library) and the group they belong to.
const RUNTIME = [
  [/^direct sync call$/, "direct sync call", "Sync call"],
  [/^direct method call/, "direct method call obj.findSync(x)", "Dispatch"],
  [/\(dispatch\)$/, 'callSyncOf(obj, obj.find, "find", [x]) (dispatch, as compiled)', "Dispatch"],
  [/\(unmarked\)$/, 'callSyncOf(obj, obj.plain, "plain", [x]) (unmarked, as compiled)', "Dispatch"],
  [/\(by name\)$/, 'callSync(obj, "find", [x]) (by name, written by hand)', "Dispatch"],
  [/^await of/, "await of an async function", "Await"],
  [/^synckit/, "synckit createSyncFn round trip", "Blocking call (sync-worker)"],
  [/^runSync/, "runSync round trip", "Blocking call (sync-worker)"],
  [/^piscina run/, "piscina run() round trip", "Offload, one task at a time"],
  [/^tinypool run/, "tinypool run() round trip", "Offload, one task at a time"],
  [/^offload round trip/, "offload round trip", "Offload, one task at a time"],
  [/^piscina, 1000/, "piscina, 1000 in flight (per task)", "Offload, 1000 in flight"],
  [/^tinypool, 1000/, "tinypool, 1000 in flight (per task)", "Offload, 1000 in flight"],
  [/^offload, 1000/, "offload, 1000 in flight (per task)", "Offload, 1000 in flight"],
  [/^options object: synckit/, "synckit round trip, an options object", "Blocking call, an options object"],
  [/^options object: runSync/, "runSync round trip, an options object", "Blocking call, an options object"],
  [/^options object: piscina/, "piscina run() round trip, an options object", "Offload, an options object"],
  [/^options object: offload/, "offload round trip, an options object", "Offload, an options object"],
];

function runtimeKind(row) {
  if (!row.anchor) return "anchor";
  return /tinypool|piscina|synckit/.test(row.path) ? "other" : "ours";
}

/** `< 20 ns over direct`, `<= 1.1x`, `< 1.1x`: whether a row meets its goal (undefined: no goal). */
export function meetsGoal(goal, { ratio, overNs }) {
  let m = /^<\s*([\d.]+)\s*ns over/.exec(goal ?? "");
  if (m) return overNs < Number(m[1]);
  m = /^(<=?)\s*([\d.]+)\s*x$/.exec(goal ?? "");
  if (m) return m[1] === "<" ? ratio < Number(m[2]) : ratio <= Number(m[2]);
  return undefined;
}
const goalText = (goal) =>
  (goal ?? "")
    .replace(/<=/g, "≤")
    .replace(/(\d)x$/, "$1×")
    .replace(/over direct$/, "over a direct call");

const ARM_LABEL = {
  babel: "Babel",
  "babel+smartasync": "Babel + smartasync",
  swc: "SWC (@swc/core)",
  "smartasync/swc": "smartasync/swc",
};
const ARM_KIND = { babel: "babel", "babel+smartasync": "babel-sa", swc: "swc", "smartasync/swc": "swc-sa" };

/**
 * Every point of the chart, which is also every row of the table behind it. Panel a: per-call
 * costs in ns; panel b: transform time per file in ms.
 */
export function chartPoints(results) {
  const points = [];
  const rt = results.runtime;
  const a = [];
  if (rt?.rows) {
    const anchors = new Map();
    for (const row of rt.rows) {
      const spec = RUNTIME.find(([re]) => re.test(row.path));
      const p = {
        panel: "a",
        group: spec?.[2] ?? "Runtime",
        label: spec?.[1] ?? row.path,
        value: row.ns,
        q1: row.q1,
        q3: row.q3,
        unit: "ns",
        kind: runtimeKind(row),
        goal: row.anchor && runtimeKind(row) === "ours" ? row.goal : "",
      };
      if (row.anchor) {
        const anchor = anchors.get(row.anchor);
        p.anchor = anchor;
        p.ratio = row.ratio;
        p.overNs = row.overNs;
      } else anchors.set(row.path, p);
      a.push(p);
    }
  }
  const inline = results.babel?.inlineCall;
  if (inline?.nsPerCall) {
    const hand = {
      panel: "a",
      group: "sync-inline variant",
      label: "hand-written sync function",
      value: inline.nsPerCall["hand-written sync"],
      unit: "ns",
      kind: "anchor",
      goal: "",
    };
    const variant = {
      panel: "a",
      group: "sync-inline variant",
      label: "sync-inline variant addSync",
      value: inline.nsPerCall["sync-inline (addSync)"],
      unit: "ns",
      kind: "ours",
      anchor: hand,
      ratio: inline.pairedRatio?.median ?? inline.ratio,
      overNs: inline.nsPerCall["sync-inline (addSync)"] - inline.nsPerCall["hand-written sync"],
      goal: "< 1.1x",
    };
    a.splice(1, 0, hand, variant);
  }
  points.push(...a);

  const swc = results.swc;
  if (swc?.corpus && swc?.annotated) {
    const arms = Object.keys(ARM_LABEL);
    const n = swc.corpus.files;
    const groups = [
      [
        `corpus, no annotation (${n} files, ${swc.corpus.lines} lines): per file, mean`,
        (arm) => {
          const s = swc.corpus.totalMs[arm];
          return { value: s.median / n, q1: s.q1 / n, q3: s.q3 / n };
        },
      ],
      [
        `annotated file (${swc.annotated.lines} lines, ${swc.annotated.functions} functions)`,
        (arm) => {
          const s = swc.annotated.ms[arm];
          return { value: s.median, q1: s.q1, q3: s.q3 };
        },
      ],
    ];
    for (const [group, of] of groups) {
      const byArm = {};
      for (const arm of arms) {
        byArm[arm] = {
          panel: "b",
          group,
          label: ARM_LABEL[arm],
          unit: "ms",
          kind: ARM_KIND[arm],
          ...of(arm),
        };
      }
      byArm["babel+smartasync"].anchor = byArm.babel;
      byArm["smartasync/swc"].anchor = byArm.swc;
      for (const arm of arms) {
        const p = byArm[arm];
        if (p.anchor) p.ratio = p.value / p.anchor.value;
        // Where the bench measured the ratio per round, that figure (as in its own table).
        const paired = {
          "babel+smartasync": "babel+smartasync / babel",
          "smartasync/swc": "smartasync/swc / swc",
        }[arm];
        const per = group === groups[0][0] ? swc.corpus.ratios : swc.annotated.ratios;
        if (paired && per?.[paired]) p.ratio = per[paired].median;
        points.push(p);
      }
    }
  }
  let ia = 0;
  let ib = 0;
  for (const p of points) p.key = p.panel === "a" ? `a${++ia}` : `b${++ib}`;
  return points;
}

const pointValue = (p) => (p.unit === "ns" ? dur(p.value) : durMs(p.value));
const pointSpread = (p) =>
  p.q1 !== undefined && p.q3 !== undefined
    ? p.unit === "ns"
      ? `${dur(p.q1)} – ${dur(p.q3)}`
      : `${durMs(p.q1)} – ${durMs(p.q3)}`
    : "";
const pointVsAnchor = (p) => {
  if (!p.anchor) return "anchor";
  if (p.unit === "ns" && p.value < 1000) return `${times(p.ratio)} (${signed(p.overNs)})`;
  return times(p.ratio);
};

// ——— the chart ———

const COLOURS = {
  anchor: "#8c8c8c",
  other: "#c9a15b",
  ours: "#1f5fa8",
  babel: "#b3b3b3",
  "babel-sa": "#7fa7d6",
  swc: "#5c5c5c",
  "swc-sa": "#1f5fa8",
};

function logScale(values, x0, x1) {
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const span = Math.log10(hi) - Math.log10(lo) || 1;
  const x = (v) => x0 + ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / span) * (x1 - x0);
  const ticks = [];
  for (let e = Math.round(Math.log10(lo)); e <= Math.round(Math.log10(hi)); e++) ticks.push(10 ** e);
  return { x, ticks };
}

const r1 = (x) => fixed(x, 1);

/** The chart: (a) per-call costs against their anchors, (b) transform time per file. */
export function renderSvg(results, points = chartPoints(results)) {
  const W = 980;
  const LX = 330; // right edge of the labels
  const X0 = 345;
  const X1 = 830;
  const ROW = 22;
  const out = [];
  let y = 0;
  const m = machineOf(results.swc ?? results.runtime ?? results.babel);
  const text = (x, yy, s, attrs = "") => `<text x="${r1(x)}" y="${r1(yy)}"${attrs}>${escapeXml(s)}</text>`;

  y += 28;
  out.push(text(16, y, "smartasync: measured costs, each next to its anchor", ' class="title"'));
  y += 18;
  out.push(
    text(
      16,
      y,
      `${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.os}; medians, bars/whiskers: quartiles of the rounds`,
      ' class="note"',
    ),
  );

  const panel = (name, title, pts, style) => {
    if (!pts.length) return;
    y += 34;
    out.push(text(16, y, title, ' class="panel"'));
    const values = pts.flatMap((p) => [p.value, p.q1, p.q3].filter((v) => v !== undefined && v > 0));
    const { x, ticks } = logScale(values, X0, X1);
    y += 10;
    const top = y;
    const rows = [];
    let group;
    for (const p of pts) {
      if (p.group !== group) {
        group = p.group;
        y += ROW;
        rows.push(text(16, y, group, ' class="group"'));
      }
      y += ROW;
      const cy = y - 4;
      const colour = COLOURS[p.kind] ?? COLOURS.ours;
      const label = `${p.key}. ${p.label}`;
      const title = `${p.key}. ${p.group}: ${p.label}: ${pointValue(p)}${p.anchor ? ` (${pointVsAnchor(p)} vs ${p.anchor.key})` : ""}`;
      rows.push(text(LX, y, label, ' class="label" text-anchor="end"'));
      rows.push(`<line class="guide" x1="${r1(X0)}" y1="${r1(cy)}" x2="${r1(X1)}" y2="${r1(cy)}"/>`);
      if (style === "bar") {
        rows.push(
          `<rect class="bar" data-row="${p.key}" x="${r1(X0)}" y="${r1(cy - 7)}" width="${r1(Math.max(1, x(p.value) - X0))}" height="14" fill="${colour}"><title>${escapeXml(title)}</title></rect>`,
        );
      } else if (p.anchor) {
        rows.push(
          `<line class="link" x1="${r1(x(p.anchor.value))}" y1="${r1(cy)}" x2="${r1(x(p.value))}" y2="${r1(cy)}"/>`,
        );
        rows.push(
          `<path class="anchor-mark" d="M${r1(x(p.anchor.value))} ${r1(cy - 6)}v12"><title>${escapeXml(`${p.anchor.key}. ${p.anchor.label}: ${pointValue(p.anchor)}`)}</title></path>`,
        );
      }
      if (p.q1 !== undefined && p.q3 !== undefined) {
        rows.push(
          `<line class="spread" x1="${r1(x(p.q1))}" y1="${r1(cy)}" x2="${r1(x(p.q3))}" y2="${r1(cy)}"/>`,
        );
      }
      if (style !== "bar") {
        rows.push(
          `<circle class="point" data-row="${p.key}" cx="${r1(x(p.value))}" cy="${r1(cy)}" r="5" fill="${colour}"><title>${escapeXml(title)}</title></circle>`,
        );
      }
      const right = Math.max(x(p.value), p.q3 !== undefined ? x(p.q3) : 0);
      const value = p.anchor ? `${pointValue(p)} · ${pointVsAnchor(p)}` : pointValue(p);
      rows.push(text(right + 9, y, value, ' class="value"'));
    }
    const bottom = y + 8;
    for (const t of ticks) {
      const tx = x(t);
      out.push(`<line class="tick" x1="${r1(tx)}" y1="${r1(top)}" x2="${r1(tx)}" y2="${r1(bottom)}"/>`);
      out.push(
        text(tx, bottom + 14, pts[0].unit === "ns" ? dur(t) : durMs(t), ' class="axis" text-anchor="middle"'),
      );
    }
    out.push(`<g class="panel-${name}">`, ...rows, "</g>");
    y = bottom + 18;
  };

  panel(
    "a",
    "(a) Per-call cost at run time, log scale (a mark at the anchor, a line from it)",
    points.filter((p) => p.panel === "a"),
    "point",
  );
  panel(
    "b",
    "(b) Transform time per file, log scale, all four in one process on the same files",
    points.filter((p) => p.panel === "b"),
    "bar",
  );

  // Legend.
  y += 16;
  const legend = [
    ["anchor", "anchor (what we compare with)"],
    ["ours", "smartasync"],
    ["other", "another library"],
    ["babel", "Babel"],
    ["babel-sa", "Babel + smartasync"],
    ["swc", "SWC"],
    ["swc-sa", "smartasync/swc"],
  ];
  let lx = 16;
  out.push('<g class="legend">');
  for (const [kind, label] of legend) {
    out.push(`<rect x="${r1(lx)}" y="${r1(y - 10)}" width="12" height="12" fill="${COLOURS[kind]}"/>`);
    out.push(text(lx + 17, y, label, ' class="note"'));
    lx += 30 + label.length * 6.2;
  }
  out.push("</g>");
  const H = Math.ceil(y + 16);

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">smartasync performance: per-call costs and transform times (rendered from bench/results)</title>`,
    "<style>",
    "text { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; font-size: 12px; fill: #222; }",
    ".title { font-size: 16px; font-weight: 600; } .panel { font-size: 14px; font-weight: 600; }",
    ".group { font-weight: 600; fill: #444; } .note, .axis { fill: #666; font-size: 11px; }",
    ".value { font-size: 11px; } .guide { stroke: #eee; } .tick { stroke: #ddd; stroke-dasharray: 2 3; }",
    ".link { stroke: #9bb6d6; stroke-width: 2; } .anchor-mark { stroke: #555; stroke-width: 2; fill: none; }",
    ".spread { stroke: #000; stroke-opacity: 0.35; stroke-width: 2; }",
    "</style>",
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    ...out,
    "</svg>",
    "",
  ].join("\n");
}

// ——— the sections ———

const missing = (command) => `_No results yet: run ${code(command)}._`;

function sectionRun(results) {
  const rows = [];
  const entries = [
    ["runtime", results.runtime, "npm run bench:runtime", "bench/results/runtime.json"],
    ["Babel plugin", results.babel, "node bench/babel.mjs", "bench/results/babel.json"],
    ["SWC integration", results.swc, "npm run bench:swc", "bench/results/swc.json"],
    ["real files", results.realFiles, "node bench/real-files.mjs", "bench/results/real-files.json"],
    ["server under load", results.serverLoad, "node bench/server-load.mjs", "bench/results/server-load.json"],
    ["library examples", results.libraries, "node bench/libraries.mjs", "bench/results/libraries.json"],
  ];
  for (const [name, r, fallback, file] of entries) {
    if (!r) continue;
    const m = machineOf(r);
    rows.push([
      name,
      code(r.command ?? fallback),
      stamp(m.date),
      m.loadStart ? `${load(m.loadStart)} → ${load(m.loadEnd)}` : "—",
      code(file),
    ]);
  }
  const m = machineOf(results.swc ?? results.runtime ?? results.babel ?? results.serverLoad);
  const run = results.run;
  const lines = [
    `Machine: ${m.cpu}, ${m.cores} cores${m.memoryGiB ? `, ${m.memoryGiB} GiB` : ""}, ${m.os}, Node ${m.node} (from \`os\` when the bench ran).`,
  ];
  if (run) {
    lines.push(
      `Last full run: ${code(run.command)}, ${stamp(run.startedAt)} to ${stamp(run.finishedAt)}; it runs ${run.benches.map((b) => code(`bench/${b}`)).join(", ")}, each in its own process, then renders this page (${code("npm run bench:render")} renders it alone).`,
    );
    if (run.source?.commit) {
      const changed = run.source.changedSrcFiles ?? [];
      lines.push(
        `Source measured: commit ${code(run.source.commit)}${changed.length ? ` with ${changed.length} path${changed.length === 1 ? "" : "s"} under ${code("src/")} changed or new in the working tree (${changed.map(code).join(", ")})` : ", no change in `src/`"}; ${code("dist/")} is built from the working tree.`,
      );
    }
  }
  lines.push("");
  lines.push(
    mdTable(["bench", "command", "started", "load average 1 / 5 / 15 min, start → end", "raw figures"], rows),
  );
  return lines.join("\n");
}

function goals(results) {
  const rows = [];
  for (const p of chartPoints(results)) {
    if (p.panel !== "a" || p.kind !== "ours" || !p.goal) continue;
    const met = meetsGoal(p.goal, p);
    const figure = /ns over/.test(p.goal)
      ? `${signed(p.overNs)} over ${p.anchor.label}`
      : `${times(p.ratio)} ${p.anchor.label}`;
    rows.push([`${p.label}`, figure, goalText(p.goal), met === undefined ? "—" : status(met)]);
  }
  const b = results.babel?.corpus;
  if (b) {
    rows.push([
      "Babel plugin on files with no annotation: its own time",
      `${pct(b.pluginSelfShare)} of Babel's`,
      "< 2%",
      status(b.pluginSelfShare < 0.02),
    ]);
    const r = b.pairedRatio?.median ?? b.ratio;
    rows.push(["the same, end to end (Babel + smartasync ÷ Babel)", times(r), "< 1.02×", status(r < 1.02)]);
  }
  for (const g of results.swc?.goals ?? []) {
    const label = {
      "swc-no-annotation": "smartasync/swc on files with no annotation ÷ plain SWC (SWC arms alone)",
      "swc-annotated": "smartasync/swc on the annotated file ÷ plain SWC",
      "swc-vs-babel": "smartasync/swc ÷ Babel + smartasync, annotated file",
    }[g.id];
    const limit =
      g.id === "swc-vs-babel"
        ? "< 1× (faster)"
        : `≤ ${g.limit}×${g.stretch ? ` (stretch ${g.stretch}×)` : ""}`;
    const met = g.stretch ? `${status(g.met)}; stretch ${g.stretchMet ? "met" : "not met"}` : status(g.met);
    rows.push([label ?? g.what, times(g.figure), limit, met]);
  }
  for (const g of results.realFiles?.goals ?? []) {
    const label = {
      "real-swc-plain": "real files as they are: smartasync/swc ÷ plain SWC",
      "real-swc-annotated": "real files, one annotated function appended: smartasync/swc ÷ plain SWC",
      "real-babel-plain": "real files as they are: Babel + smartasync ÷ Babel",
      "real-babel-annotated": "real files, one annotated function appended: Babel + smartasync ÷ Babel",
    }[g.id];
    rows.push([label ?? g.what, times(g.figure), `≤ ${g.limit}×`, status(g.met)]);
  }
  if (!rows.length) return missing("npm run bench");
  return mdTable(["goal", "measured", "limit", "status"], rows);
}

function chart(results) {
  const points = chartPoints(results);
  if (!points.length) return missing("npm run bench");
  const rows = points.map((p) => [
    p.key,
    p.group,
    p.label,
    pointValue(p),
    pointSpread(p),
    p.anchor ? `${p.anchor.key}. ${p.anchor.label}` : "",
    pointVsAnchor(p),
  ]);
  return [
    "![Per-call costs against their anchors, and transform time per file (log scales)](performance.svg)",
    "",
    "The table behind the chart (`#` is the label of the point or bar; spread: quartiles of the rounds):",
    "",
    mdTable(["#", "group", "what", "median", "spread", "anchor", "vs anchor"], rows, [
      "l",
      "l",
      "l",
      "r",
      "r",
      "l",
      "r",
    ]),
  ].join("\n");
}

function runtime(results) {
  const rt = results.runtime;
  if (!rt?.rows) return missing("npm run bench:runtime");
  const points = chartPoints({ runtime: rt });
  const rows = points.map((p) => {
    const met = p.goal ? meetsGoal(p.goal, p) : undefined;
    return [
      p.label,
      pointValue(p),
      pointSpread(p),
      pointVsAnchor(p),
      p.goal ? `${goalText(p.goal)}: ${status(met)}` : "",
    ];
  });
  const m = machineOf(rt);
  const first = rt.firstCallMs
    ? `First call (worker start included): synckit ${durMs(rt.firstCallMs.synckit)}, ${code("runSync")} ${durMs(rt.firstCallMs.runSync)}.`
    : "";
  return [
    `Command: ${code(rt.command ?? "npm run bench:runtime")}, ${stamp(m.date)}, pools of ${rt.poolSize ?? "?"} workers. Raw figures: ${code("bench/results/runtime.json")}.`,
    "",
    mdTable(["path", "per call", "spread (quartiles)", "vs anchor", "goal"], rows, ["l", "r", "r", "r", "l"]),
    "",
    first,
    ...pairedLines(rt),
  ].join("\n");
}

/**
 * How far the per-block ratios of the paired rows (the worker round trips, anchor and subject
 * alternating in blocks of a few calls) spread: the table gives their median.
 */
function pairedLines(rt) {
  const p = rt.pairing;
  if (!p) return [];
  const paired = rt.rows.filter((r) => r.anchor && r.ratioRange && r.callsPerRound === p.blockCalls);
  if (paired.length === 0) return [];
  const label = (path) => RUNTIME.find(([re]) => re.test(path))?.[1] ?? path;
  return [
    "",
    `Round trips paired with their anchor: blocks of ${p.blockCalls} calls of each, alternating (the order swapped every block), ${thousands(p.blocks)} blocks${p.segments > 1 ? ` in ${p.segments} segments, each on fresh worker threads` : ""}; the ratio is the median of the per-block ratios. Their quartiles and 5th – 95th percentiles${p.segments > 1 ? ", and the range of the segments' medians" : ""}:`,
    "",
    ...paired.map((r) => {
      const seg = r.segmentRatios?.length
        ? `; segments ${times(Math.min(...r.segmentRatios))} – ${times(Math.max(...r.segmentRatios))}`
        : "";
      return `- ${label(r.path)}: ${times(r.ratio)} ${label(r.anchor)} (quartiles ${times(r.ratioQuartiles[0])} – ${times(r.ratioQuartiles[1])}; 5 – 95%: ${times(r.ratioRange[0])} – ${times(r.ratioRange[1])}${seg})`;
    }),
  ];
}

function babelSection(results) {
  const b = results.babel;
  if (!b?.corpus) return missing("node bench/babel.mjs");
  const m = machineOf(b);
  const spread = (s) => (s ? `${times(s.q1)} – ${times(s.q3)}` : "");
  const c = b.corpus;
  const an = b.annotated;
  const ic = b.inlineCall;
  return [
    `Command: ${code(b.command ?? "node bench/babel.mjs")}, ${stamp(m.date)}, Babel ${b.babelVersion ?? "8"}. Raw figures: ${code("bench/results/babel.json")}.`,
    "",
    mdTable(
      ["workload", "rounds", "Babel alone", "Babel + smartasync", "ratio", "spread (quartiles)", "goal"],
      [
        [
          `corpus: ${c.files} files, ${c.lines} lines, no annotation (end to end)`,
          String(c.rounds ?? ""),
          durMs(c.medianMs.babel),
          durMs(c.medianMs["babel+smartasync"]),
          times(c.pairedRatio?.median ?? c.ratio),
          spread(c.pairedRatio),
          `< 1.02×: ${status((c.pairedRatio?.median ?? c.ratio) < 1.02)}`,
        ],
        [
          "corpus: time inside the smartasync visitor",
          String(c.pluginSelfRounds ?? ""),
          "",
          durMs(c.pluginSelfMs),
          `+${pct(c.pluginSelfShare)}`,
          "",
          `< 2%: ${status(c.pluginSelfShare < 0.02)}`,
        ],
        [
          `annotated file, ${an.lines} lines, ${an.functions} functions`,
          String(an.rounds ?? ""),
          durMs(an.medianMs.babel),
          durMs(an.medianMs["babel+smartasync"]),
          times(an.pairedRatio?.median ?? an.ratio),
          spread(an.pairedRatio),
          "—",
        ],
      ],
      ["l", "r", "r", "r", "r", "r", "l"],
    ),
    "",
    mdTable(
      ["call", "rounds", "per call", "ratio", "spread (quartiles)", "goal"],
      [
        [
          "hand-written sync function",
          String(ic.rounds ?? ""),
          dur(ic.nsPerCall["hand-written sync"]),
          "anchor",
          "",
          "",
        ],
        [
          `${code("sync-inline")} variant (${code("addSync")})`,
          String(ic.rounds ?? ""),
          dur(ic.nsPerCall["sync-inline (addSync)"]),
          times(ic.pairedRatio?.median ?? ic.ratio),
          spread(ic.pairedRatio),
          `< 1.1×: ${status((ic.pairedRatio?.median ?? ic.ratio) < 1.1)}`,
        ],
        ...(ic.guard
          ? [
              [
                "hand-written sync function taking a callback",
                String(ic.rounds ?? ""),
                dur(ic.nsPerCall["hand-written sync, callback"]),
                "anchor",
                "",
                "",
              ],
              [
                `${code("sync-inline")} variant with a run-time guard (${code("addViaSync")})`,
                String(ic.rounds ?? ""),
                dur(ic.nsPerCall["sync-inline guarded (addViaSync)"]),
                `${times(ic.guard.pairedRatio?.median ?? ic.guard.ratio)} (${ic.guard.overNs >= 0 ? "+" : ""}${ic.guard.overNs.toFixed(2)} ns a guard)`,
                spread(ic.guard.pairedRatio),
                `< 2 ns a guard: ${status(ic.guard.overNs < 2)}`,
              ],
            ]
          : []),
        ...(ic.thisCall
          ? [
              [
                `${code("this.getSync()")} written by hand`,
                String(ic.rounds ?? ""),
                dur(ic.nsPerCall["this.getSync() by hand"]),
                "anchor",
                "",
                "",
              ],
              [
                `${code("this.get()")} compiled: own-method check, then ${code("this.getSync()")}`,
                String(ic.rounds ?? ""),
                dur(ic.nsPerCall["this.get() compiled (own check)"]),
                `${ic.thisCall.ownCheckOverNs >= 0 ? "+" : ""}${ic.thisCall.ownCheckOverNs.toFixed(2)} ns`,
                "",
                "",
              ],
              [
                `${code("box.get()")} compiled: dispatch (${code("callSync")})`,
                String(ic.rounds ?? ""),
                dur(ic.nsPerCall["box.get() compiled (dispatch)"]),
                `+${ic.thisCall.dispatchOverNs.toFixed(2)} ns`,
                "",
                `< 20 ns: ${status(ic.thisCall.dispatchOverNs < 20)}`,
              ],
            ]
          : []),
      ],
      ["l", "r", "r", "r", "r", "l"],
    ),
  ].join("\n");
}

function swcSection(results) {
  const s = results.swc;
  if (!s?.corpus) return missing("npm run bench:swc");
  const m = machineOf(s);
  const arms = Object.keys(ARM_LABEL);
  const sp = (x) => `${durMs(x.q1)} – ${durMs(x.q3)}`;
  const c = s.corpus;
  const a = s.annotated;
  const bd = s.breakdown;
  const ratioRow = (label, key) => [
    label,
    times(c.ratios[key].median),
    `${times(c.ratios[key].q1)} – ${times(c.ratios[key].q3)}`,
    times(a.ratios[key].median),
    `${times(a.ratios[key].q1)} – ${times(a.ratios[key].q3)}`,
  ];
  const stages = Object.entries(bd.stagesMs);
  const largest = [...stages].sort((x, y) => y[1].median - x[1].median)[0];
  const own = bd.stagesSumMs - bd.stagesMs.transformSync.median;
  const lines = [
    `Command: ${code(s.command ?? "npm run bench:swc")}, ${stamp(m.date)}, @swc/core ${s.versions?.swc ?? "?"}, Babel ${s.versions?.babel ?? "?"}. Raw figures: ${code("bench/results/swc.json")}.`,
    `SWC options: ${code(JSON.stringify(s.setup?.swcOptions ?? {}))}; Babel: ${code(JSON.stringify(s.setup?.babelOptions ?? {}))}.`,
    "",
    mdTable(
      [
        "arm",
        `corpus total (${c.files} files, ${c.lines} lines)`,
        "spread",
        "corpus, per file",
        `annotated file (${a.lines} lines)`,
        "spread",
      ],
      arms.map((arm) => [
        ARM_LABEL[arm],
        durMs(c.totalMs[arm].median),
        sp(c.totalMs[arm]),
        durMs(c.perFileMs[arm]),
        durMs(a.ms[arm].median),
        sp(a.ms[arm]),
      ]),
      ["l", "r", "r", "r", "r", "r"],
    ),
    "",
    `Ratios are per round (both arms measured in the same round), median and quartiles; corpus ${c.rounds} rounds, annotated file ${a.rounds} rounds:`,
    "",
    mdTable(
      ["ratio", "corpus", "spread", "annotated", "spread"],
      [
        ratioRow("smartasync/swc ÷ SWC", "smartasync/swc / swc"),
        ratioRow("Babel + smartasync ÷ Babel", "babel+smartasync / babel"),
        ratioRow("smartasync/swc ÷ Babel + smartasync", "smartasync/swc / babel+smartasync"),
        ratioRow("Babel ÷ SWC", "babel / swc"),
      ],
      ["l", "r", "r", "r", "r"],
    ),
    ...(c.swcOnly
      ? [
          "",
          `The two SWC arms alone on the corpus (file by file, A B then B A, ${c.swcOnly.rounds} rounds, no Babel in between — what an SWC build sees): SWC ${durMs(c.swcOnly.totalMs.swc.median)}, ${code("smartasync/swc")} ${durMs(c.swcOnly.totalMs["smartasync/swc"].median)}, ratio ${times(c.swcOnly.ratio.median)} (quartiles ${times(c.swcOnly.ratio.q1)} – ${times(c.swcOnly.ratio.q3)}). This is the no-annotation goal's figure; in the four-arm rounds above, the arm that allocates next pays for the garbage the Babel arms leave.`,
        ]
      : []),
    "",
    `smartasync's own time inside ${code("smartasync/swc")} on the corpus (the whole call minus SWC's transform, ${c.smartasyncSelf.rounds} rounds): ${durMs(c.smartasyncSelf.totalMs.median)}, ${pct(c.smartasyncSelf.shareOfSwc.median)} of SWC's time (quartiles ${pct(c.smartasyncSelf.shareOfSwc.q1)} – ${pct(c.smartasyncSelf.shareOfSwc.q3)}). The files with most of it:`,
    "",
    mdTable(
      ["file", "lines", "own time", "share of it", "diagnostics"],
      (c.smartasyncSelf.topFiles ?? []).map((f) => [
        code(f.file),
        String(f.lines),
        durMs(f.selfMs),
        share(f.share),
        f.diagnostics.join(", ") || "none",
      ]),
      ["l", "r", "r", "r", "l"],
    ),
    ...(c.smartasyncSelf.stepsMs
      ? [
          "",
          `By step of the front end, over the whole corpus per round: ${Object.entries(
            c.smartasyncSelf.stepsMs,
          )
            .map(([k, v]) => `${code(k)} ${durMs(v.median)}`)
            .join(
              ", ",
            )} (${code("compile")} holds the fast path's text scans and import checks, and the whole analysis of any file that leaves it).`,
        ]
      : []),
    "",
    `Where the time of ${code("smartasync/swc")} goes on the annotated file (${bd.rounds} rounds, stages timed one after the other with dist/'s internal modules):`,
    "",
    mdTable(
      ["stage", "what it does", "median", "spread", "share"],
      [
        ...stages.map(([name, x]) => [
          code(name),
          STAGE_WHAT[name] ?? "",
          durMs(x.median),
          sp(x),
          share(x.median / bd.stagesSumMs),
        ]),
        ["sum of the stages", "", durMs(bd.stagesSumMs), "", ""],
        [
          code("compile()"),
          "engine.ts: parse, lower, analyse, emit, timed whole",
          durMs(bd.compileMs.median),
          sp(bd.compileMs),
          "",
        ],
        [
          `${code("smartasync/swc")} ${code("transformSync")}`,
          "the public call, timed whole",
          durMs(bd.smartasyncSwcMs.median),
          sp(bd.smartasyncSwcMs),
          "",
        ],
        ["plain SWC", "@swc/core transformSync on the original", durMs(bd.swcMs.median), sp(bd.swcMs), ""],
      ],
      ["l", "l", "r", "r", "r"],
    ),
    "",
    `The largest stage is ${code(largest[0])} (${share(largest[1].median / bd.stagesSumMs)} of the stages). smartasync's own stages (all but the final transform) take ${durMs(own)}, ${times(own / bd.swcMs.median)} a plain SWC transform of the file; the final transform compiles the edited text (${(bd.editedBytes / 1024).toFixed(0)} KiB, from ${(bd.inputBytes / 1024).toFixed(0)} KiB) in ${times(bd.stagesMs.transformSync.median / bd.swcMs.median)} the time of the original.`,
  ];
  return lines.join("\n");
}

function realFiles(results) {
  const r = results.realFiles;
  if (!r?.swc || !r?.babel) return missing("node bench/real-files.mjs");
  const m = machineOf(r);
  const sp = (x) => `${durMs(x.q1)} – ${durMs(x.q3)}`;
  const ratio = (x) => `${times(x.median)} (${times(x.q1)} – ${times(x.q3)})`;
  const variant = { plain: "as they are", annotated: "one annotated function appended" };
  const rows = [];
  for (const [pair, [a, b]] of [
    ["swc", ["swc", "smartasync/swc"]],
    ["babel", ["babel", "babel+smartasync"]],
  ]) {
    for (const v of ["plain", "annotated"]) {
      const x = r[pair][v];
      rows.push([
        variant[v],
        ARM_LABEL[a],
        durMs(x.totalMs[a].median),
        sp(x.totalMs[a]),
        ARM_LABEL[b],
        durMs(x.totalMs[b].median),
        sp(x.totalMs[b]),
        ratio(x.ratio),
      ]);
    }
  }
  const top = [...(r.perFile ?? [])].sort((p, q) => q.swcRatio.plain - p.swcRatio.plain).slice(0, 10);
  const diag = (d) => [...new Set([...(d?.swc ?? []), ...(d?.babel ?? [])])].join(", ") || "none";
  return [
    `Command: ${code(r.command ?? "node bench/real-files.mjs")}, ${stamp(m.date)}, @swc/core ${r.versions?.swc ?? "?"}, Babel ${r.versions?.babel ?? "?"}; ${r.files} files, ${fixed(r.bytes / 1024 / 1024, 2)} MiB, ${r.lines} lines; ${r.rounds} rounds after ${r.warm} warm-up rounds; load average ${load(m.loadStart)} at the start, ${load(m.loadEnd)} at the end. Raw figures: ${code("bench/results/real-files.json")}.`,
    "",
    mdTable(
      ["files", "anchor", "total", "spread", "with smartasync", "total", "spread", "ratio (quartiles)"],
      rows,
      ["l", "l", "r", "r", "l", "r", "r", "r"],
    ),
    "",
    ...(r.swcOwn
      ? [
          `smartasync's own time inside ${code("smartasync/swc")} (the whole call minus the time spent in ${code("@swc/core")}'s ${code("transformSync")}, measured inside each call, so much less exposed to the load than the ratio of two calls), over SWC's time in the same calls: as they are ${durMs(r.swcOwn.plain.ownMs.median)}, +${pct(r.swcOwn.plain.shareOfSwc.median)} (quartiles ${pct(r.swcOwn.plain.shareOfSwc.q1)} – ${pct(r.swcOwn.plain.shareOfSwc.q3)}); with the annotated function ${durMs(r.swcOwn.annotated.ownMs.median)}, +${pct(r.swcOwn.annotated.shareOfSwc.median)} (quartiles ${pct(r.swcOwn.annotated.shareOfSwc.q1)} – ${pct(r.swcOwn.annotated.shareOfSwc.q3)}).`,
          "",
        ]
      : []),
    "The ten files with the highest `smartasync/swc` ÷ SWC ratio as they are (median of the per-round ratios of each file; one file's ratio is far noisier than the totals'), and the diagnostics either compiler reports for them:",
    "",
    mdTable(
      ["file", "KiB", "SWC, as is", "SWC, annotated", "Babel, as is", "Babel, annotated", "diagnostics"],
      top.map((f) => [
        code(f.file),
        fixed(f.bytes / 1024, 0),
        times(f.swcRatio.plain),
        times(f.swcRatio.annotated),
        times(f.babelRatio.plain),
        times(f.babelRatio.annotated),
        diag(f.diagnostics?.plain),
      ]),
      ["l", "r", "r", "r", "r", "r", "l"],
    ),
    ...(r.skipped?.length
      ? ["", `Skipped: ${r.skipped.map((s) => `${code(s.file)} (${s.why})`).join(", ")}.`]
      : []),
  ].join("\n");
}

const STAGE_WHAT = {
  parseSync: "@swc/core parseSync (native parse, AST as JSON, JSON.parse)",
  lower: "lower.ts: SWC AST to Babel's shape, UTF-8 spans to offsets, comments",
  analyse: "core analysis: tree, scopes, annotations, calls, strategies, plan",
  emit: "emit.ts: the plan as magic-string edits, the edits' source map",
  transformSync: "@swc/core transformSync on the edited text",
};

function serverLoad(results) {
  const s = results.serverLoad;
  if (!s?.results) return missing("node bench/server-load.mjs");
  const [w, wo] = [s.results.find((r) => r.build === "plugin"), s.results.find((r) => r.build === "plain")];
  if (!w || !wo) return missing("node bench/server-load.mjs");
  const m = machineOf(s);
  const f = (x) => (Number.isInteger(x) ? String(x) : fixed(x, 1));
  const msv = (x) => `${f(x)} ms`;
  const rows = [
    ["/health p50 latency", msv(w.health.latencyMs.p50), msv(wo.health.latencyMs.p50)],
    ["/health p99 latency", msv(w.health.latencyMs.p99), msv(wo.health.latencyMs.p99)],
    ["/health requests served", thousands(w.health.requests), thousands(wo.health.requests)],
    ["/report requests served", f(w.report.requests), f(wo.report.requests)],
    ["/report p50 latency", msv(w.report.latencyMs.p50), msv(wo.report.latencyMs.p50)],
    ["event-loop delay p50", msv(w.eventLoopDelayMs.p50), msv(wo.eventLoopDelayMs.p50)],
    ["event-loop delay p99", msv(w.eventLoopDelayMs.p99), msv(wo.eventLoopDelayMs.p99)],
    ["event-loop delay max", msv(w.eventLoopDelayMs.max), msv(wo.eventLoopDelayMs.max)],
    ["errors (both clients)", f(w.health.errors + w.report.errors), f(wo.health.errors + wo.report.errors)],
  ];
  const setup = s.setup ?? {};
  const command =
    s.command ??
    `node bench/server-load.mjs --duration ${setup.duration} --report-connections ${setup.reportConnections} --health-connections ${setup.healthConnections}`;
  return [
    `Command: ${code(command)}, ${stamp(m.date)}; load average when it started: ${setup.loadAverageAtStart ?? "?"}. Raw figures: ${code("bench/results/server-load.json")}.`,
    "",
    mdTable(["", "with the plugin (offload)", "without (on the event loop)"], rows, ["l", "r", "r"]),
  ].join("\n");
}

// The library examples (bench/libraries.mjs): generated sync API ÷ the same API written by hand.
const LIBRARY_GOAL = 1.05;

function libraries(results) {
  const l = results.libraries;
  if (!l?.examples) return missing("node bench/libraries.mjs");
  const m = machineOf(l);
  const rows = [];
  for (const [name, cases] of Object.entries(l.examples)) {
    for (const c of cases)
      rows.push([
        code(`examples/${name}`),
        code(c.name),
        dur(c.generatedNs),
        dur(c.handNs),
        times(c.ratio),
        `${times(c.q1)} – ${times(c.q3)}`,
        c.ratio <= LIBRARY_GOAL ? "met" : "**not met**",
      ]);
  }
  return [
    `Command: ${code(l.command ?? "node bench/libraries.mjs")}, ${stamp(m.date)}; load average ${load(m.loadStart)} at the start, ${load(m.loadEnd)} at the end. Raw figures: ${code("bench/results/libraries.json")}.`,
    "",
    mdTable(
      ["library", "call", "generated", "hand-written", "ratio", "quartiles", `≤ ${times(LIBRARY_GOAL)}`],
      rows,
      ["l", "l", "r", "r", "r", "r", "l"],
    ),
  ].join("\n");
}

const RENDER = {
  run: sectionRun,
  goals,
  chart,
  runtime,
  babel: babelSection,
  swc: swcSection,
  "real-files": realFiles,
  "server-load": serverLoad,
  libraries,
};

const BLOCK = /<!-- render:([\w-]+) -->[\s\S]*?<!-- \/render:\1 -->/g;

/** The page: `template` with each `<!-- render:NAME -->…<!-- /render:NAME -->` block filled in. */
export function renderMarkdown(results, template) {
  let found = 0;
  const md = template.replace(BLOCK, (_, name) => {
    const render = RENDER[name];
    if (!render) throw new Error(`render-performance: unknown section <!-- render:${name} -->`);
    found++;
    return `<!-- render:${name} -->\n${render(results).trimEnd()}\n<!-- /render:${name} -->`;
  });
  if (!found) throw new Error("render-performance: the template has no <!-- render:NAME --> block");
  return md;
}

/** Both outputs from the results and the page's current text. */
export function renderPerformance(results, template) {
  return { markdown: renderMarkdown(results, template), svg: renderSvg(results) };
}

/** bench/results/*.json as the renderer takes them (absent files are absent sections). */
export function loadResults(dir = join(ROOT, "bench/results")) {
  const read = (name) => {
    const p = join(dir, `${name}.json`);
    return existsSync(p) ? JSON.parse(readFileSync(p, "utf8")) : undefined;
  };
  return {
    run: read("run"),
    runtime: read("runtime"),
    babel: read("babel"),
    swc: read("swc"),
    realFiles: read("real-files"),
    serverLoad: read("server-load"),
    libraries: read("libraries"),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const page = join(ROOT, "docs/performance.md");
  const { markdown, svg } = renderPerformance(loadResults(), readFileSync(page, "utf8"));
  writeFileSync(page, markdown);
  writeFileSync(join(ROOT, "docs/performance.svg"), svg);
  console.log("written docs/performance.md and docs/performance.svg");
}
