// scripts/render-performance.mjs: renders docs/performance.md and docs/performance.svg from
// bench/results/*.json. Rendered here from a fixed sample (no timing): the SVG must be
// well-formed, every bar and point must be a row of the table behind the chart, the prose
// around the generated blocks must survive, and the same input must give the same page.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

interface Rendered {
  markdown: string;
  svg: string;
}
interface RenderModule {
  SECTIONS: string[];
  renderPerformance(results: unknown, template: string): Rendered;
  renderMarkdown(results: unknown, template: string): string;
  renderSvg(results: unknown): string;
}

const root = join(import.meta.dirname, "..");
let mod: RenderModule;
beforeAll(async () => {
  // A runtime URL: the script is plain JavaScript without declarations.
  const url = pathToFileURL(join(root, "scripts/render-performance.mjs")).href;
  mod = (await import(url)) as RenderModule;
});

const s = (median: number, spread = 0.1) => ({
  median,
  q1: median * (1 - spread),
  q3: median * (1 + spread),
  min: median * (1 - 2 * spread),
  max: median * (1 + 2 * spread),
  n: 15,
});
const machine = {
  node: "v20.20.2",
  cores: 2,
  cpu: "Sample CPU <3> & Co",
  os: "Linux 6.0 (linux x64)",
  memoryGiB: 8,
  date: "2026-01-02",
  startedAt: "2026-01-02T03:04:05.678Z",
  loadAverageAtStart: [0.5, 0.6, 0.7],
  loadAverageAtEnd: [1.5, 1.1, 0.9],
};
const row = (path: string, ns: number, anchor = "", anchorNs = ns, goal = "") => ({
  path,
  ns,
  q1: ns * 0.9,
  q3: ns * 1.1,
  rounds: 25,
  anchor,
  ratio: ns / anchorNs,
  overNs: ns - anchorNs,
  goal,
});

const SAMPLE = {
  run: {
    command: "npm run bench",
    benches: ["runtime.mjs", "babel.mjs", "swc.mjs"],
    source: { commit: "abc1234", changedSrcFiles: ["src/core/x.ts"] },
    startedAt: "2026-01-02T03:04:05.678Z",
    finishedAt: "2026-01-02T03:14:05.678Z",
    machine,
  },
  runtime: {
    date: "2026-01-02T03:04:05.678Z",
    command: "npm run bench:runtime",
    machine,
    poolSize: 2,
    firstCallMs: { synckit: 70.1, runSync: 50.2 },
    rows: [
      row("direct sync call", 1.1),
      row("direct method call obj.findSync(x)", 1.0),
      row(
        "callSyncOf(obj, obj.find, 'find', [x]) (dispatch)",
        25,
        "direct method call obj.findSync(x)",
        1.0,
        "< 20 ns over direct",
      ),
      row(
        "callSyncOf(obj, obj.plain, 'plain', [x]) (unmarked)",
        15,
        "direct method call obj.findSync(x)",
        1.0,
        "< 20 ns over direct",
      ),
      row("await of an async function", 60),
      row("synckit createSyncFn round trip", 40_000),
      row(
        "runSync (smartasync worker, blocking)",
        42_000,
        "synckit createSyncFn round trip",
        40_000,
        "<= 1.1x",
      ),
      row("piscina run() round trip", 60_000),
      row("tinypool run() round trip", 90_000, "piscina run() round trip", 60_000, "<= 1.1x"),
      row("offload round trip (smartasync pool)", 50_000, "piscina run() round trip", 60_000, "<= 1.1x"),
      row("piscina, 1000 in flight (per task)", 45_000),
      row(
        "tinypool, 1000 in flight (per task)",
        50_000,
        "piscina, 1000 in flight (per task)",
        45_000,
        "<= 1.1x",
      ),
      row(
        "offload, 1000 in flight (per task)",
        40_000,
        "piscina, 1000 in flight (per task)",
        45_000,
        "<= 1.1x",
      ),
    ],
  },
  babel: {
    machine,
    command: "node bench/babel.mjs",
    babelVersion: "8.1.2",
    corpus: {
      files: 100,
      lines: 40000,
      rounds: 21,
      medianMs: { babel: 1000, "babel+smartasync": 1010 },
      ratio: 1.01,
      pairedRatio: s(1.01, 0.01),
      pluginSelfMs: 7.5,
      pluginSelfShare: 0.0075,
      pluginSelfRounds: 9,
    },
    annotated: {
      lines: 5025,
      functions: 486,
      rounds: 7,
      medianMs: { babel: 150, "babel+smartasync": 500 },
      ratio: 3.33,
      pairedRatio: s(3.3, 0.05),
    },
    inlineCall: {
      calls: 2_000_000,
      rounds: 21,
      nsPerCall: { "hand-written sync": 2.1, "sync-inline (addSync)": 2.2 },
      ratio: 1.05,
      pairedRatio: s(1.05, 0.02),
    },
  },
  swc: {
    machine,
    command: "node bench/swc.mjs",
    versions: { swc: "1.16.22", babel: "8.1.2" },
    setup: {
      swcOptions: { filename: "<file>", swcrc: false, smartasync: {} },
      babelOptions: { presets: ["@babel/preset-typescript"] },
      arms: ["swc", "smartasync/swc", "babel", "babel+smartasync"],
    },
    corpus: {
      files: 100,
      lines: 40000,
      rounds: 15,
      totalMs: { swc: s(200), "smartasync/swc": s(206), babel: s(1000), "babel+smartasync": s(1010) },
      perFileMs: { swc: 2, "smartasync/swc": 2.06, babel: 10, "babel+smartasync": 10.1 },
      ratios: {
        "smartasync/swc / swc": s(1.03, 0.01),
        "babel+smartasync / babel": s(1.01, 0.01),
        "smartasync/swc / babel+smartasync": s(0.2, 0.01),
        "babel / swc": s(5, 0.01),
      },
      swcOnly: {
        rounds: 16,
        totalMs: { swc: s(150), "smartasync/swc": s(154) },
        ratio: s(1.03, 0.01),
      },
      smartasyncSelf: {
        rounds: 9,
        totalMs: s(6),
        shareOfSwc: s(0.03),
        topFiles: [
          { file: "node_modules/x/a.js", lines: 900, selfMs: 3, share: 0.5, diagnostics: ["SA204"] },
          { file: "node_modules/x/b|c.js", lines: 10, selfMs: 0.1, share: 0.02, diagnostics: [] },
        ],
        stepsMs: { smartasyncOptions: s(1), readSwcConfig: s(0.5), compile: s(4) },
      },
    },
    annotated: {
      lines: 5025,
      functions: 486,
      rounds: 15,
      ms: { swc: s(30), "smartasync/swc": s(200), babel: s(150), "babel+smartasync": s(500) },
      ratios: {
        "smartasync/swc / swc": s(6.5, 0.05),
        "babel+smartasync / babel": s(3.3, 0.05),
        "smartasync/swc / babel+smartasync": s(0.4, 0.05),
        "babel / swc": s(5, 0.05),
      },
    },
    breakdown: {
      rounds: 15,
      stagesMs: { parseSync: s(40), lower: s(15), analyse: s(90), emit: s(30), transformSync: s(35) },
      stagesSumMs: 210,
      compileMs: s(170),
      smartasyncSwcMs: s(205),
      swcMs: s(30),
      frontEndMs: 0.5,
      inputBytes: 150_000,
      editedBytes: 220_000,
      editMapBytes: 300_000,
    },
    goals: [
      { id: "swc-no-annotation", what: "no annotation", figure: 1.03, limit: 1.05, met: true },
      {
        id: "swc-annotated",
        what: "annotated",
        figure: 6.5,
        limit: 3,
        stretch: 1.5,
        met: false,
        stretchMet: false,
      },
      { id: "swc-vs-babel", what: "vs Babel", figure: 0.4, limit: 1, met: true },
    ],
  },
  realFiles: {
    machine,
    command: "node bench/real-files.mjs --rounds 5",
    versions: { swc: "1.16.22", babel: "8.1.2" },
    files: 2,
    bytes: 2 * 1024 * 1024,
    lines: 40000,
    skipped: [{ file: "node_modules/lodash-es/lodash.js", why: "not installed" }],
    rounds: 5,
    warm: 2,
    swc: {
      plain: { totalMs: { swc: s(110), "smartasync/swc": s(121) }, ratio: s(1.1, 0.05) },
      annotated: { totalMs: { swc: s(130), "smartasync/swc": s(520) }, ratio: s(4, 0.05) },
    },
    swcOwn: {
      plain: { ownMs: s(12), shareOfSwc: s(0.1) },
      annotated: { ownMs: s(400), shareOfSwc: s(3) },
    },
    babel: {
      plain: { totalMs: { babel: s(2000), "babel+smartasync": s(2040) }, ratio: s(1.02, 0.05) },
      annotated: { totalMs: { babel: s(2100), "babel+smartasync": s(2520) }, ratio: s(1.2, 0.05) },
    },
    perFile: [
      {
        file: "node_modules/v/a.js",
        bytes: 1024 * 1024,
        lines: 30000,
        swcRatio: { plain: 1.5, annotated: 5 },
        babelRatio: { plain: 1.1, annotated: 1.3 },
        diagnostics: { plain: { swc: ["SA204"], babel: ["SA204"] }, annotated: { swc: [], babel: [] } },
      },
      {
        file: "node_modules/v/b.js",
        bytes: 1024 * 1024,
        lines: 10000,
        swcRatio: { plain: 1.01, annotated: 3 },
        babelRatio: { plain: 1, annotated: 1.1 },
        diagnostics: { plain: { swc: [], babel: [] }, annotated: { swc: [], babel: [] } },
      },
    ],
    goals: [
      { id: "real-swc-plain", what: "plain", figure: 1.1, limit: 1.05, met: false },
      { id: "real-swc-annotated", what: "annotated", figure: 4, limit: 3, met: false },
      { id: "real-babel-plain", what: "babel plain", figure: 1.02, limit: 1.3, met: true },
      { id: "real-babel-annotated", what: "babel annotated", figure: 1.2, limit: 1.3, met: true },
    ],
  },
  serverLoad: {
    machine,
    command: "node bench/server-load.mjs --duration 8 --report-connections 4 --health-connections 10",
    setup: { duration: 8, reportConnections: 4, healthConnections: 10, loadAverageAtStart: 1.2 },
    results: [
      {
        build: "plugin",
        health: { requests: 21269, errors: 0, latencyMs: { p50: 1, p99: 20, max: 139 } },
        report: { requests: 20, errors: 0, latencyMs: { p50: 1384, p99: 1982, max: 1982 } },
        eventLoopDelayMs: { p50: 11.98, p99: 28.97, max: 36.18 },
      },
      {
        build: "plain",
        health: { requests: 54, errors: 0, latencyMs: { p50: 1288, p99: 2652, max: 2652 } },
        report: { requests: 25, errors: 0, latencyMs: { p50: 1223, p99: 1431, max: 1431 } },
        eventLoopDelayMs: { p50: 1191.18, p99: 1482.69, max: 1482.69 },
      },
    ],
  },
  libraries: {
    machine,
    command: "node bench/libraries.mjs",
    examples: {
      "find-up": [
        { name: "findUpSync(name)", generatedNs: 131_000, handNs: 127_000, ratio: 1.031, q1: 0.98, q3: 1.09 },
      ],
      "config-loader": [
        { name: "createLoaderSync()", generatedNs: 3100, handNs: 320, ratio: 9.4, q1: 8.1, q3: 10.2 },
      ],
    },
  },
};

const sectionsTemplate = () =>
  [
    "# Title",
    "",
    "Hand-written prose, kept as it is.",
    "",
    ...mod.SECTIONS.flatMap((name) => [
      `Before ${name}.`,
      "",
      `<!-- render:${name} -->`,
      "stale figures",
      `<!-- /render:${name} -->`,
      "",
    ]),
    "The end.",
    "",
  ].join("\n");

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const decode = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, (_, e: string) =>
    e.startsWith("#") ? String.fromCharCode(Number(e.slice(1))) : ENTITIES[e],
  );

/** A minimal XML reader: tags must nest and close, attributes must be quoted, text escaped. */
function parseXml(xml: string): { name: string; attrs: Record<string, string>; text: string }[] {
  const elements: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const stack: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const TOKEN = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>|([^<]+)/gy;
  let pos = 0;
  let rootCount = 0;
  while (pos < xml.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(xml);
    if (!m) throw new Error(`malformed XML at ${pos}: ${JSON.stringify(xml.slice(pos, pos + 60))}`);
    pos = TOKEN.lastIndex;
    const [, close, name, rawAttrs, selfClose, text] = m;
    if (text !== undefined) {
      if (!stack.length) {
        if (text.trim()) throw new Error(`text outside the root element: ${JSON.stringify(text)}`);
        continue;
      }
      if (/&(?!(?:amp|lt|gt|quot|apos|#\d+);)/.test(text))
        throw new Error(`unescaped & in ${JSON.stringify(text)}`);
      stack[stack.length - 1].text += decode(text);
      continue;
    }
    if (close) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of rawAttrs.matchAll(/([\w:-]+)="([^"]*)"/g)) {
      if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
      if (/&(?!(?:amp|lt|gt|quot|apos|#\d+);)/.test(a[2])) throw new Error(`unescaped & in ${a[1]}`);
      attrs[a[1]] = a[2];
    }
    const el = { name, attrs, text: "" };
    elements.push(el);
    if (!stack.length) rootCount++;
    if (!selfClose) stack.push(el);
  }
  if (stack.length) throw new Error(`unclosed <${stack.map((e) => e.name).join("> <")}>`);
  if (rootCount !== 1) throw new Error(`${rootCount} root elements`);
  return elements;
}

/** Rows of the table behind the chart, by their first column (`a1`, `b1`, …). */
function chartTable(md: string): Map<string, string[]> {
  const block = md.slice(md.indexOf("<!-- render:chart -->"), md.indexOf("<!-- /render:chart -->"));
  const rows = new Map<string, string[]>();
  for (const line of block.split("\n")) {
    if (!/^\| [ab]\d+ /.test(line)) continue;
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
    rows.set(cells[0], cells);
  }
  return rows;
}

describe("render-performance", () => {
  it("writes a well-formed SVG whose every bar and point is a row of the table behind it", () => {
    const { markdown, svg } = mod.renderPerformance(SAMPLE, sectionsTemplate());
    const elements = parseXml(svg);
    expect(elements[0].name).toBe("svg");
    expect(elements[0].attrs.xmlns).toBe("http://www.w3.org/2000/svg");
    for (const e of elements) {
      for (const k of ["x", "y", "width", "height", "cx", "cy", "r", "x1", "x2", "y1", "y2"])
        if (k in e.attrs)
          expect(Number.isFinite(Number(e.attrs[k])), `${e.name} ${k}=${e.attrs[k]}`).toBe(true);
    }
    // The machine's name is escaped, not markup.
    expect(svg).toContain("Sample CPU &lt;3&gt; &amp; Co");

    const marks = elements.filter((e) => e.attrs["data-row"] !== undefined);
    const table = chartTable(markdown);
    // 13 runtime rows + 2 inline-call rows; 4 arms × 2 workloads.
    expect(marks.filter((e) => e.name === "circle")).toHaveLength(15);
    expect(marks.filter((e) => e.name === "rect")).toHaveLength(8);
    expect(new Set(marks.map((e) => e.attrs["data-row"]))).toEqual(new Set(table.keys()));
    expect(marks).toHaveLength(table.size);
    const titles = elements.filter((e) => e.name === "title");
    for (const mark of marks) {
      const key = mark.attrs["data-row"];
      const cells = table.get(key)!;
      // The mark's own <title> names the row and carries its median as the table shows it.
      const title = titles.find((t) => t.text.startsWith(`${key}. `) && t.text.includes(cells[2]));
      expect(title, `title of ${key}`).toBeDefined();
      expect(title!.text).toContain(cells[3]);
      expect(mark.attrs.class).toBe(key.startsWith("a") ? "point" : "bar");
    }
    // Panel b: bars grow with the time (log scale, same axis within the panel).
    const width = (key: string) => Number(marks.find((e) => e.attrs["data-row"] === key)!.attrs.width);
    expect(width("b1")).toBeGreaterThan(0);
    expect(width("b5")).toBeLessThan(width("b8")); // annotated: Babel 150 ms < smartasync/swc 200 ms
    expect(width("b7")).toBeLessThan(width("b8")); // SWC 30 ms < smartasync/swc 200 ms
  });

  it("renders the same page from the same results, and rendering again changes nothing", () => {
    const template = sectionsTemplate();
    const once = mod.renderPerformance(SAMPLE, template);
    const twice = mod.renderPerformance(structuredClone(SAMPLE), template);
    expect(twice).toEqual(once);
    expect(mod.renderMarkdown(SAMPLE, once.markdown)).toBe(once.markdown);
    expect(once.markdown).not.toContain("stale figures");
  });

  it("keeps the prose outside the generated blocks", () => {
    const strip = (md: string) => md.replace(/<!-- render:([\w-]+) -->[\s\S]*?<!-- \/render:\1 -->/g, "[$1]");
    const template = sectionsTemplate();
    expect(strip(mod.renderMarkdown(SAMPLE, template))).toBe(strip(template));
    // docs/performance.md itself is a template the renderer accepts, with every section.
    const page = readFileSync(join(root, "docs/performance.md"), "utf8");
    const rendered = mod.renderMarkdown(SAMPLE, page);
    expect(strip(rendered)).toBe(strip(page));
    for (const name of mod.SECTIONS) expect(page).toContain(`<!-- render:${name} -->`);
  });

  it("renders each library example's ratio with its goal (≤ 1.05×) met or not", () => {
    const md = mod.renderMarkdown(SAMPLE, sectionsTemplate());
    const block = md.slice(md.indexOf("<!-- render:libraries -->"), md.indexOf("<!-- /render:libraries -->"));
    const row = (call: string) => block.split("\n").find((l) => l.includes(`\`${call}\``)) ?? "";
    expect(row("findUpSync(name)")).toMatch(/131 µs \| +127 µs \| +1\.03× \| +0\.98× – 1\.09× \| met/);
    expect(row("createLoaderSync()")).toMatch(/9\.40× .*\*\*not met\*\*/);
    expect(block).toContain("Command: `node bench/libraries.mjs`");
  });

  it("states each goal as met or not from the figures", () => {
    const md = mod.renderMarkdown(SAMPLE, sectionsTemplate());
    const goals = md.slice(md.indexOf("<!-- render:goals -->"), md.indexOf("<!-- /render:goals -->"));
    const line = (start: string) => goals.split("\n").find((l) => l.startsWith(`| ${start}`)) ?? "";
    expect(line('callSyncOf(obj, obj.find, "find"')).toContain("+24.0 ns");
    expect(line('callSyncOf(obj, obj.find, "find"')).toContain("**not met**"); // 24 ns over direct > 20 ns
    expect(line('callSyncOf(obj, obj.plain, "plain"')).toMatch(/\| met +\|$/);
    expect(line("runSync round trip")).toContain("1.05×");
    expect(line("smartasync/swc on the annotated file")).toContain("6.50×");
    expect(line("smartasync/swc on the annotated file")).toContain("**not met**; stretch not met");
    expect(line("smartasync/swc on files with no annotation")).toMatch(/1\.03×.*\| met +\|$/);
    expect(line("real files as they are: smartasync/swc")).toMatch(/1\.10×.*\*\*not met\*\*/);
    expect(line("real files, one annotated function appended: Babel")).toMatch(/1\.20×.*\| met +\|$/);
    const real = md.slice(
      md.indexOf("<!-- render:real-files -->"),
      md.indexOf("<!-- /render:real-files -->"),
    );
    // Highest ratio first; the skipped file is named; the per-round ratio with its quartiles.
    expect(real.indexOf("node_modules/v/a.js")).toBeLessThan(real.indexOf("node_modules/v/b.js"));
    expect(real).toContain("`node_modules/lodash-es/lodash.js` (not installed)");
    expect(real).toContain("4.00× (3.80× – 4.20×)");
    expect(real).toContain("as they are 12.0 ms, +10.00% (quartiles 9.00% – 11.00%)");
    expect(real).toContain("load average 0.50 / 0.60 / 0.70 at the start");
    // Another library's ratio is shown, never judged against our goals.
    expect(goals).not.toContain("tinypool");
    // Machine, date and command come from the results.
    expect(md).toContain("Sample CPU <3> & Co, 2 cores, 8 GiB, Linux 6.0 (linux x64), Node v20.20.2");
    expect(md).toContain("`npm run bench`, 2026-01-02 03:04Z to 2026-01-02 03:14Z");
    expect(md).toContain("21,269");
    expect(md).toContain(
      "commit `abc1234` with 1 path under `src/` changed or new in the working tree (`src/core/x.ts`)",
    );
  });

  it("lists the paired round trips' ratio spread, segments included, only when the bench paired them", () => {
    const paired = {
      ...SAMPLE.runtime,
      pairing: { blockCalls: 4, blocks: 1500, segments: 6 },
      rows: SAMPLE.runtime.rows.map((r) =>
        r.path === "runSync (smartasync worker, blocking)"
          ? {
              ...r,
              callsPerRound: 4,
              ratioQuartiles: [0.97, 1.29],
              ratioRange: [0.61, 1.99, 0.1, 30],
              segmentRatios: [1.12, 1.06, 1.11, 1.05, 1.06, 1.05],
            }
          : r,
      ),
    };
    const md = mod.renderMarkdown({ runtime: paired }, sectionsTemplate());
    expect(md).toContain("1,500 blocks in 6 segments, each on fresh worker threads");
    expect(md).toContain(
      "- runSync round trip: 1.05× synckit createSyncFn round trip (quartiles 0.97× – 1.29×; 5 – 95%: 0.61× – 1.99×; segments 1.05× – 1.12×)",
    );
    // Results of the batch method have no pairing: nothing is listed.
    expect(mod.renderMarkdown({ runtime: SAMPLE.runtime }, sectionsTemplate())).not.toContain("paired with");
  });

  it("says which bench to run when its results are missing", () => {
    const md = mod.renderMarkdown({ runtime: SAMPLE.runtime }, sectionsTemplate());
    expect(md).toContain("_No results yet: run `npm run bench:swc`._");
    expect(md).toContain("_No results yet: run `node bench/babel.mjs`._");
    expect(() => mod.renderMarkdown(SAMPLE, "<!-- render:nope -->\n<!-- /render:nope -->")).toThrow(
      /unknown section/,
    );
  });
});
