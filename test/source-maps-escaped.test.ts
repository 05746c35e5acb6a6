/**
 * One reader of a file's `sourceMappingURL` comment for every host (core/map-comment.ts). The
 * compile API read `a%20b.js.map` as a file of that name while `build` decoded it, and `build`
 * itself writes escaped names (`a b.js` gets `a%20b.js.map`: test/cli/source-map-paths.test.ts),
 * so a built file fed to another host lost its map. Each host that reads input maps — the compile
 * API (`smartasync/swc`, edited or not), register, `build` with either compiler — is given a
 * file whose comment names an escaped map (`a%20b.js.map`, on disk `a b.js.map`; `100%25.js.map`,
 * on disk `100%.js.map`) and one with a literal `%` that is no escape (`100%.js.map`, as a tool
 * that does not escape wrote it): the map lookup, or the stack trace, points at the original
 * line. Real SWC, real Babel, real files, real Node processes.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import vm from "node:vm";
import * as babel from "@babel/core";
import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import MagicString from "magic-string";
import { describe, expect, it, vi } from "vitest";
import smartasync from "../src/babel-plugin/index.js";
import { namedInputMap, rebaseSources } from "../src/core/input-map.js";
import { lastMapComment, mapTarget } from "../src/core/map-comment.js";
import { transformSync as swcTransform } from "../src/swc-plugin/index.js";
import { cli, ROOT, tree } from "./cli/helpers.js";

// The generated JS: `orig/app.ts` less the two banner lines a tool dropped, so every line of
// the JS is two lines higher in the original. `@smartasync` or not (the file left as it is).
const body = (
  annotated: boolean,
) => `${annotated ? "// @smartasync\n" : "// plain\n"}export async function load(p) {
  const v = await p;
  if (v > 1) throw new Error("boom");
  return v;
}
export function run() {
  const r = load(2);
  return r + 1;
}
`;
const ORIGINAL = `// banner\n// banner\n${body(true)}`;
/** The input map of the JS to `orig/app.ts`, from the map's folder (`src/` or below). */
function mapOf(annotated: boolean, map: string): string {
  const ms = new MagicString(`// banner\n// banner\n${body(annotated)}`);
  ms.remove(0, 20);
  const json = JSON.parse(ms.generateMap({ source: "x", hires: true }).toString()) as Record<string, unknown>;
  return JSON.stringify({ ...json, sources: [`${"../".repeat(map.split("/").length)}orig/app.ts`] });
}
/** Line of the original the `throw` is on, and the call `load(2)`. */
const THROW_LINE = 6;
const CALL_LINE = 10;

/**
 * `[source file, comment URL, map file on disk]`: escaped names, and a `%` that is no escape.
 * Some maps lie in a subfolder: SWC, finding no map where it reads the comment, tries the file's
 * name plus `.map`, which would find `a b.js.map` beside `a b.js` by another road.
 */
const NAMED: [string, string, string][] = [
  ["a b.js", "a%20b.js.map", "a b.js.map"],
  ["c d.js", "maps/c%20d.js.map", "maps/c d.js.map"],
  ["100%.js", "100%25.js.map", "100%.js.map"],
  ["e%.js", "maps/e%25.js.map", "maps/e%.js.map"],
  ["lit%.js", "lit%.js.map", "lit%.js.map"],
];

/** The project: `orig/app.ts`, and in `src/` each named file with its map. */
function project(name: string, annotated = true): string {
  return tree(name, {
    "package.json": '{ "name": "p", "type": "module" }\n',
    "orig/app.ts": ORIGINAL,
    ...Object.fromEntries(
      NAMED.flatMap(([file, url, map]) => [
        [`src/${file}`, `${body(annotated)}//# sourceMappingURL=${url}\n`],
        [`src/${map}`, mapOf(annotated, map)],
      ]),
    ),
  });
}

/** Where `needle` in `code` maps back to, as an absolute source path and a line. */
function traced(code: string, map: string | object, mapDir: string, needle: string) {
  const lines = code.split("\n");
  const line = lines.findIndex((l) => l.includes(needle));
  expect(line, `${needle} is in the output`).toBeGreaterThan(-1);
  const pos = originalPositionFor(new TraceMap(map as string), {
    line: line + 1,
    column: lines[line]!.indexOf(needle),
  });
  return { source: pos.source === null ? null : resolve(mapDir, pos.source), line: pos.line };
}

describe("the one reader: which comment, which map", () => {
  it("reads the comment Node applies: the last `//#`/`//@` comment, wherever it stands (attack36 F12, F08)", () => {
    const url = (text: string) => lastMapComment(text)?.url ?? null;
    expect(url("x;\n//# sourceMappingURL=a.js.map\n")).toBe("a.js.map");
    expect(url("x;\n//@ sourceMappingURL=a.js.map")).toBe("a.js.map");
    expect(url("x;\n//#\tsourceMappingURL=a.js.map \t\r\n\n")).toBe("a.js.map");
    expect(url("//# sourceMappingURL=old.js.map\nx;\n//# sourceMappingURL=new.js.map\n")).toBe("new.js.map");
    // Code after it does not hide it (F08); a later mention that is no comment does not either (F12).
    expect(url("//# sourceMappingURL=a.js.map\nvoid 0;\n")).toBe("a.js.map");
    const good = "x;\n//# sourceMappingURL=a.js.map\n";
    expect(url(`${good}/* old: //# sourceMappingURL=stale.js.map */\n`)).toBe("a.js.map");
    expect(url(`${good}/*# sourceMappingURL=stale.js.map */\n`)).toBe("a.js.map");
    expect(url(`${good}// was: sourceMappingURL=stale.js.map\n`)).toBe("a.js.map");
    expect(url(`${good}// # sourceMappingURL=stale.js.map\n`)).toBe("a.js.map");
    expect(url(`${good}//#sourceMappingURL=stale.js.map\n`)).toBe("a.js.map");
    expect(url(`${good}//#  sourceMappingURL=stale.js.map\n`)).toBe("a.js.map");
    expect(url(`${good}const s = "//# sourceMappingURL=stale.js.map";\n`)).toBe("a.js.map");
    expect(url(`${good}const t = \`\n//# sourceMappingURL=stale.js.map\n\`;\n`)).toBe("a.js.map");
    expect(url(`${good}/*\n//# sourceMappingURL=stale.js.map\n*/\n`)).toBe("a.js.map");
    expect(url(`${good}//# sourceURL=a.js\n`)).toBe("a.js.map");
    // A later comment that V8 reads but finds no URL in empties it: no map, as in Node.
    expect(url(`${good}//# sourceMappingURL=\n`)).toBeNull();
    expect(url(`${good}//# sourceMappingURL=stale.js.map x\n`)).toBeNull();
    // Block comments, a mention in a string, no sigil: no map (V8 reads none of them).
    expect(url("x;\n/*# sourceMappingURL=a.js.map */\n")).toBeNull();
    expect(url('const s = "//# sourceMappingURL=a.js.map";\n')).toBeNull();
    expect(url("// sourceMappingURL=a.js.map\n")).toBeNull();
  });

  it("agrees with V8's own reading (what Node applies) on every form", () => {
    const good = "x;\n//# sourceMappingURL=a.js.map\n";
    const texts = [
      good,
      `${good}void 0;\n`,
      `${good}/* old: //# sourceMappingURL=stale.js.map */\n`,
      `${good}/*# sourceMappingURL=stale.js.map */\n`,
      `${good}// was: sourceMappingURL=stale.js.map\n`,
      `${good}//#sourceMappingURL=stale.js.map\n`,
      `${good}//#  sourceMappingURL=stale.js.map\n`,
      `${good}//@ sourceMappingURL=stale.js.map\n`,
      `${good}//# sourceMappingURL=\n`,
      `${good}//# sourceMappingURL= b.js.map \n`,
      `${good}//# sourceMappingURL=stale.js.map x\n`,
      `${good}//# sourceMappingURL="stale.js.map"\n`,
      `${good}var s = '//# sourceMappingURL=stale.js.map';\n`,
      `${good}var t = \`\n//# sourceMappingURL=stale.js.map\n\`;\n`,
      `${good}var r = /\\/\\/# sourceMappingURL=x/;\n`,
      "x;\n//# sourceMappingURL=a.js.map\u2028void 0;\n",
      "x;\n/*# sourceMappingURL=a.js.map */\n",
      "x;\n//#\tsourceMappingURL=a.js.map\r\n",
      // The ending comment read without the tokenizer (map-comment.ts endingMapComment), and
      // endings it leaves to the tokenizer.
      "x;\n  //# sourceMappingURL=a.js.map  \n\n",
      "var t = `\n`;\n//# sourceMappingURL=a.js.map",
      "/*\n*/\n//@ sourceMappingURL=a.js.map\n",
      "var s = 'a'; //# sourceMappingURL=a.js.map\n",
      "x;\n//# sourceMappingURL=a`b.js.map\n",
      "x; /*\n//# sourceMappingURL=a.js.map */\n",
      "var t = `\n//# sourceMappingURL=stale.js.map\n`;\n",
    ];
    for (const text of texts) {
      const v8 = new vm.Script(text).sourceMapURL as string | undefined;
      expect(lastMapComment(text)?.url, JSON.stringify(text)).toBe(v8);
    }
  });

  it("reads a map's sources as URLs relative to the map: no query, fragment, `\\` a separator (attack36 F07)", () => {
    const sources = (list: string[]) =>
      (
        JSON.parse(
          rebaseSources(JSON.stringify({ version: 3, sources: list, mappings: "" }), "/p/out", "/p/out"),
        ) as { sources: string[] }
      ).sources;
    expect(
      sources(["../ts/lib.ts?v=1", "../ts/lib.ts#frag", "..\\ts\\lib.ts", "../ts/a%23b.ts?x#y"]),
    ).toEqual(["../ts/lib.ts", "../ts/lib.ts", "../ts/lib.ts", "../ts/a#b.ts"]);
  });

  it("reads the URL relative to the file's URL; a malformed escape names the file as written", () => {
    const file = "/p/src/app.js";
    const target = (url: string) => mapTarget(url, file);
    expect(target("a%20b.js.map")).toEqual({ file: "/p/src/a b.js.map" });
    expect(target("100%25.js.map")).toEqual({ file: "/p/src/100%.js.map" });
    expect(target("maps/x%23y.js.map?v=1#top")).toEqual({ file: "/p/src/maps/x#y.js.map" });
    expect(target("../m.js.map")).toEqual({ file: "/p/m.js.map" });
    expect(target("/abs/m.js.map")).toEqual({ file: "/abs/m.js.map" });
    expect(target("file:///abs/a%20b.js.map")).toEqual({ file: "/abs/a b.js.map" });
    // Escapes that name no path: the name as written, whole (a `file:` URL: nothing).
    expect(target("100%.js.map")).toEqual({ file: "/p/src/100%.js.map" });
    expect(target("a%20b%zz.js.map")).toEqual({ file: "/p/src/a%20b%zz.js.map" });
    expect(target("%FF.js.map")).toEqual({ file: "/p/src/%FF.js.map" });
    expect(target("a%2Fb.js.map")).toEqual({ file: "/p/src/a%2Fb.js.map" });
    expect(target("file:///abs/100%.js.map")).toBeUndefined();
    // Another scheme names no file; an inline map is its text; no file name, no folder.
    expect(target("https://example.com/a.js.map")).toBeUndefined();
    expect(target("webpack:///a.js.map")).toBeUndefined();
    expect(target("data:application/json;base64,e30=")).toEqual({ text: "{}" });
    expect(target("data:application/json;charset=utf-8,%7B%7D")).toEqual({ text: "{}" });
    expect(target("data:text/plain,%7B%7D")).toBeUndefined();
    expect(mapTarget("a.js.map", undefined)).toBeUndefined();
  });
});

describe("every host reads the map an escaped name names", () => {
  for (const annotated of [true, false]) {
    it(`smartasync/swc (the compile API), ${annotated ? "an edited file" : "a file left as it is"}`, () => {
      const dir = project(`escaped-maps-api-${annotated}`, annotated);
      for (const [name] of NAMED) {
        const file = join(dir, "src", name);
        const r = swcTransform(readFileSync(file, "utf8"), {
          filename: file,
          swcrc: false,
          configFile: false,
          sourceMaps: true,
          jsc: { parser: { syntax: "ecmascript" }, target: "es2022" },
        });
        expect(r.code.includes("loadSync("), name).toBe(annotated);
        const at = traced(r.code, r.map!, dirname(file), annotated ? "loadSync(2)" : "load(2)");
        expect({ name, ...at }).toEqual({ name, source: join(dir, "orig/app.ts"), line: CALL_LINE });
      }
    });
  }

  it("register: the stack trace of a throw in the sync variant points at the original line", () => {
    const dir = project("escaped-maps-register");
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(ROOT, join(dir, "node_modules/smartasync"), "dir");
    for (const [name] of NAMED) {
      const main = join(dir, `main-${name.replace(/\W/g, "_")}.mjs`);
      const spec = `./src/${encodeURIComponent(name)}`;
      const program = `import { run } from ${JSON.stringify(spec)};\ntry { run(); } catch (e) { console.log(e.stack); }\n`;
      writeFileSync(main, program);
      const r = spawnSync(
        process.execPath,
        ["--enable-source-maps", "--import", "smartasync/register", main],
        {
          cwd: dir,
          encoding: "utf8",
          timeout: 60_000,
          env: { ...process.env, SMARTASYNC_CACHE_DIR: join(dir, ".cache"), NODE_OPTIONS: "" },
        },
      );
      expect(r.stderr, name).toBe("");
      const frame = r.stdout.split("\n").find((l) => l.includes("loadSync"));
      expect(frame, r.stdout).toBeDefined();
      expect(frame, name).toContain(`${join(dir, "orig/app.ts")}:${THROW_LINE}:`);
    }
  });

  for (const compiler of ["babel", "swc"] as const) {
    it(`build --compiler ${compiler}: chained into the built map, not copied`, () => {
      const dir = project(`escaped-maps-build-${compiler}`);
      const r = cli(["build", "src", "--out-dir", "build/out", "--compiler", compiler], dir);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      for (const [name] of NAMED) {
        const file = join(dir, "build/out", name);
        const map = JSON.parse(readFileSync(`${file}.map`, "utf8")) as { sources: string[] };
        const at = traced(readFileSync(file, "utf8"), map, dirname(file), "loadSync(2)");
        expect({ name, ...at }).toEqual({ name, source: join(dir, "orig/app.ts"), line: CALL_LINE });
      }
    });
  }
});

/**
 * Under the user's own Babel (`smartasync/babel` as a plugin), Babel reads the input map itself,
 * before any plugin runs, and takes the URL as a file name: the escaped name finds no file, and
 * Babel goes on without the map (Babel 8 warns). docs/source-maps.md says so and what to do:
 * hand the map over as `inputSourceMap`. Should Babel read the URL as a URL one day, this
 * test fails and the docs change with it.
 */
describe("the Babel plugin under the user's Babel", () => {
  it("Babel reads the comment as a file name; the map handed over as inputSourceMap is chained", () => {
    const dir = project("escaped-maps-babel-plugin");
    const file = join(dir, "src/a b.js");
    const code = readFileSync(file, "utf8");
    const run = (extra: Parameters<typeof babel.transformSync>[1]) =>
      babel.transformSync(code, {
        filename: file,
        babelrc: false,
        configFile: false,
        sourceMaps: true,
        plugins: [[smartasync, {}]],
        ...extra,
      })!;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const own = run({});
      expect(traced(own.code!, own.map!, dirname(file), "loadSync(2)")).toEqual({ source: file, line: 8 });
      const given = run({ inputSourceMap: JSON.parse(namedInputMap(code, file)!.text) });
      expect(traced(given.code!, given.map!, dirname(file), "loadSync(2)")).toEqual({
        source: join(dir, "orig/app.ts"),
        line: CALL_LINE,
      });
    } finally {
      warn.mockRestore();
    }
  });
});

/**
 * attack35 F08: a map comment followed by another comment (`//# sourceURL=x.js`, a linter's note)
 * still names the map, as Node and plain SWC read it; `smartasync/swc` dropped it for an edited
 * file. attack35 F12: a map's `sources` are URLs, `orig/app%20x.ts` names `orig/app x.ts` (the
 * form `build` writes): register named the escaped one, a file that does not exist, in stack
 * traces.
 */
describe("comments after the map comment; escaped sources", () => {
  it("a comment after the map comment does not hide it; code after it does not either (attack36 F08)", () => {
    const url = (text: string) => lastMapComment(text)?.url ?? null;
    expect(url("x;\n//# sourceMappingURL=a.js.map\n//# sourceURL=x.js\n")).toBe("a.js.map");
    expect(url("x;\n//# sourceMappingURL=a.js.map\n// end")).toBe("a.js.map");
    expect(url("x;\n//# sourceMappingURL=a.js.map\n/* end */\n/* more\n */\n")).toBe("a.js.map");
    expect(url("x;\n//# sourceMappingURL=a.js.map\n/* end */ y;\n")).toBe("a.js.map");
    expect(url("x;\n//# sourceMappingURL=a.js.map\n// end\ny;\n")).toBe("a.js.map");
  });

  it("smartasync/swc: an edited file whose map comment has `//# sourceURL=` after it keeps its map", () => {
    const dir = tree("map-comment-then-comment", {
      "package.json": '{ "name": "p", "type": "module" }\n',
      "orig/app.ts": ORIGINAL,
      "src/a.js": `${body(true)}//# sourceMappingURL=a.js.map\n//# sourceURL=a.js\n`,
      "src/a.js.map": mapOf(true, "a.js.map"),
    });
    const file = join(dir, "src/a.js");
    const r = swcTransform(readFileSync(file, "utf8"), {
      filename: file,
      swcrc: false,
      configFile: false,
      sourceMaps: true,
      jsc: { parser: { syntax: "ecmascript" }, target: "es2022" },
    });
    expect(r.code).toContain("loadSync(2)");
    const at = traced(r.code, r.map!, dirname(file), "loadSync(2)");
    expect(at).toEqual({ source: join(dir, "orig/app.ts"), line: CALL_LINE });
  });

  it("register: an escaped source (`app%20x.ts`) is named as the file it is (`app x.ts`)", () => {
    const map = JSON.parse(mapOf(true, "a.js.map")) as { sources: string[] };
    const dir = tree("escaped-sources-register", {
      "package.json": '{ "name": "p", "type": "module" }\n',
      "orig/app x.ts": ORIGINAL,
      "src/a.js": `${body(true)}//# sourceMappingURL=a.js.map\n`,
      "src/a.js.map": JSON.stringify({ ...map, sources: ["../orig/app%20x.ts"] }),
      "main.mjs": 'import { run } from "./src/a.js";\ntry { run(); } catch (e) { console.log(e.stack); }\n',
    });
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(ROOT, join(dir, "node_modules/smartasync"), "dir");
    const r = spawnSync(process.execPath, ["--import", "smartasync/register", join(dir, "main.mjs")], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, SMARTASYNC_CACHE_DIR: join(dir, ".cache"), NODE_OPTIONS: "" },
    });
    expect(r.stderr).toBe("");
    const frame = r.stdout.split("\n").find((l) => l.includes("loadSync"));
    expect(frame, r.stdout).toContain(`${join(dir, "orig/app x.ts")}:${THROW_LINE}:`);
  });
});

/**
 * attack36 F12, F08, F07: the comment Node reads (a later mention in a block comment, code after
 * the comment) and a map whose `sources` carry a query, a fragment or `\`: register's stack
 * trace names the original file and line, and `build` chains the map (it refused to copy "a map
 * the file does name" and exited 2).
 */
describe("the comment and the sources Node reads (attack36)", () => {
  const STALE = JSON.stringify({
    version: 3,
    sources: ["../orig/WRONG.ts"],
    names: [],
    mappings: "AAAA",
    file: "x.js",
  });
  const good = "//# sourceMappingURL=app.js.map\n";
  const CASES: [string, string, string][] = [
    ["block-mention", `${good}/* old: //# sourceMappingURL=stale.js.map */\n`, "../orig/app.ts"],
    ["block-map", `${good}/*# sourceMappingURL=stale.js.map */\n`, "../orig/app.ts"],
    ["line-mention", `${good}// was: sourceMappingURL=stale.js.map\n`, "../orig/app.ts"],
    ["code-after", `${good}void 0;\n`, "../orig/app.ts"],
    ["query", good, "../orig/app.ts?v=1"],
    ["fragment", good, "../orig/app.ts#frag"],
    ["backslash", good, "..\\orig\\app.ts"],
  ];
  const projectOf = (name: string) =>
    tree(`attack36-maps-${name}`, {
      "package.json": '{ "name": "p", "type": "module" }\n',
      "orig/app.ts": ORIGINAL,
      ...Object.fromEntries(
        CASES.flatMap(([c, tail, source]) => [
          [`src/${c}.js`, `${body(true)}${tail}`],
          [
            `src/${c}.js.map`,
            JSON.stringify({ ...JSON.parse(mapOf(true, "app.js.map")), sources: [source] }),
          ],
        ]),
      ),
      "src/stale.js.map": STALE,
    });

  it("register: the stack trace names the original file and line", () => {
    const dir = projectOf("register");
    for (const [c] of CASES) {
      const f = join(dir, "src", `${c}.js`);
      writeFileSync(f, readFileSync(f, "utf8").replace(`=app.js.map`, `=${c}.js.map`));
    }
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(ROOT, join(dir, "node_modules/smartasync"), "dir");
    const main = join(dir, "main.mjs");
    writeFileSync(
      main,
      CASES.map(
        ([c], i) =>
          `import { run as r${i} } from "./src/${c}.js";\ntry { r${i}(); } catch (e) { console.log(${JSON.stringify(c)}, e.stack.split("\\n").find((l) => l.includes("loadSync"))); }\n`,
      ).join(""),
    );
    const r = spawnSync(process.execPath, ["--enable-source-maps", "--import", "smartasync/register", main], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, SMARTASYNC_CACHE_DIR: join(dir, ".cache"), NODE_OPTIONS: "" },
    });
    expect(r.stderr).toBe("");
    const lines = r.stdout.trim().split("\n");
    expect(lines.map((l) => l.split(" ")[0])).toEqual(CASES.map(([c]) => c));
    for (const line of lines) expect(line).toContain(`(${join(dir, "orig/app.ts")}:${THROW_LINE}:`);
  });

  it("build: the map the comment names is chained, the code after it kept", () => {
    const dir = projectOf("build");
    for (const [c] of CASES) {
      const f = join(dir, "src", `${c}.js`);
      writeFileSync(f, readFileSync(f, "utf8").replace(`=app.js.map`, `=${c}.js.map`));
    }
    const r = cli(["build", "src", "--out-dir", "build/out"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const [c] of CASES) {
      const file = join(dir, "build/out", `${c}.js`);
      const code = readFileSync(file, "utf8");
      const map = JSON.parse(readFileSync(`${file}.map`, "utf8")) as { sources: string[] };
      const at = traced(code, map, dirname(file), "loadSync(2)");
      expect({ c, ...at }).toEqual({ c, source: join(dir, "orig/app.ts"), line: CALL_LINE });
      expect(code.trimEnd().endsWith(`//# sourceMappingURL=${c}.js.map`), c).toBe(true);
      if (c === "code-after") expect(code).toContain("void 0;");
    }
  });
});
