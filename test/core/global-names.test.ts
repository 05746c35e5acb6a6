import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { memberWrapperIn } from "../../src/core/analysis/collect.js";
import {
  freeWritesIn,
  globalNamesIn,
  globalWords,
  globalWriteNames,
  globalWritesIn,
} from "../../src/core/analysis/global-text.js";

// The names a file may set on the global object, read from its text before any tree: each one
// is watched by the fast paths (every function mentioning it is analysed), so a comparison must
// not count as a write (vite's and lodash's `global.Object === Object` made `Object` watched),
// and a file with no spelling of a write is never walked (`unnamed` false, no names).
describe("globalNamesIn", () => {
  it("reads assignments, compound and logical ones included", () => {
    const code = "globalThis.gl = load; global.a += 1; window.b ||= f; self.c ??= g; self . d=1";
    expect([...globalNamesIn(code)].sort()).toEqual(["a", "b", "c", "d", "gl"]);
  });

  it("does not read comparisons, arrows or reads", () => {
    const code =
      "if (global.Object === Object) x(); self.key == 1; self.k != 2; window.w !== 3; self.n <= 4; g(self.m);";
    expect([...globalNamesIn(code)]).toEqual([]);
    expect(globalWritesIn(code).unnamed).toBe(false);
  });

  it("reads keys written as strings and templates, and through `(0, globalThis)`", () => {
    const code =
      "globalThis[\"gk\"] = load; globalThis[ `gt` ] = load; self['gs'] ||= f; (0, globalThis).g0 = f;";
    expect([...globalNamesIn(code)].sort()).toEqual(["g0", "gk", "gs", "gt"]);
  });

  it("reads a `const` second name of the global object, not a member read into one", () => {
    const code = "const g = globalThis; g.gc = load; g['gd'] = load; const h = globalThis.process; h.x = 1;";
    expect([...globalNamesIn(code)].sort()).toEqual(["gc", "gd"]);
  });

  it("reads a `let` or `var` second name of the global object too", () => {
    const code = "var g = globalThis; g.gv = load; let w = global; w.gw = load;";
    expect([...globalNamesIn(code)].sort()).toEqual(["gv", "gw"]);
  });

  it("reads Reflect.set, defineProperty, assign, defineProperties and stubGlobal", () => {
    const code = [
      'Reflect.set(globalThis, "gr", load);',
      "Object.defineProperty(global, 'gd', { value: load });",
      "Object.assign(globalThis, { ga: load, load, m() {} });",
      'Object.defineProperties(window, { gp: { value: load, get: () => "x)" } }); after(1);',
      'vi.stubGlobal("gv", load);',
    ].join("\n");
    const names = globalNamesIn(code);
    for (const n of ["gr", "gd", "ga", "load", "m", "gp", "gv"]) expect(names.has(n), n).toBe(true);
    // The object's `)` inside a string does not end the call early; the call's `)` does.
    expect(names.has("after")).toBe(false);
  });

  it("does not read calls on other objects, or reads of keys", () => {
    const code =
      'map.set(key, "v"); Object.assign(target, { a: 1 }); Object.defineProperty(exports, "b", {}); const v = globalThis[k]; f(globalThis["c"]); if (globalThis[Symbol.for("x")] === y) z();';
    expect([...globalNamesIn(code)]).toEqual([]);
    expect(globalWritesIn(code).unnamed).toBe(false);
  });

  it("marks a write under a key it cannot read, so the walk looks", () => {
    for (const code of [
      "globalThis[k] = load;",
      "globalThis[names[0]] ??= load;",
      "Reflect.set(globalThis, k, load);",
      "Object.assign(globalThis, lib);",
    ])
      expect(globalWritesIn(code).unnamed, code).toBe(true);
  });
});

// SA302's question of the same text: which of the built-ins a worker reads the file may replace.
describe("globalWriteNames", () => {
  it("reads the spellings globalNamesIn reads, and the built-in's name as a string or a bare write", () => {
    const names = new Set(["fetch", "Date", "URL", "Math"]);
    expect([...globalWriteNames('Reflect.set(globalThis, "fetch", f); Date = D;', names)].sort()).toEqual([
      "Date",
      "fetch",
    ]);
    expect([...globalWriteNames("if (global.Math === Math) x(); new URL(u);", names)]).toEqual([]);
  });
});

// A bare name written a watched value (`gl = load` in sloppy code: a global): its bare calls are
// watched too (fixture cjs/sloppy-global-second-name).
describe("freeWritesIn", () => {
  const watched = new Set(["load", "lib", "eval"]);
  it("reads a bare name written a watched name, a member of one, or a name found so", () => {
    const code = "gl = load; gm = lib.load; g2 =gl; a = b = load; gp = (load);";
    expect([...freeWritesIn(code, watched)].sort()).toEqual(["a", "b", "g2", "gl", "gm", "gp"]);
  });
  it("does not read comparisons, arrows, members, declarations, calls' results or other values", () => {
    const code =
      "if (x == load) f(); y === load; k => load; o.p = load; let d = load; const c = load; var v = load; r = load(1); n = other; e = eval; s += load;";
    expect([...freeWritesIn(code, watched)]).toEqual([]);
  });
  it("reads every bare write where no values are given (the walk narrows)", () => {
    expect([...freeWritesIn("a = b; c = d.e; f = 1;")].sort()).toEqual(["a", "c"]);
  });
});

// The names of the global object are found by `indexOf` and a hand-made `\b` (issue 16: the
// regex's pass was 1.6% of smartasync/swc's time on real files); they must be the regex's matches.
describe("globalWords", () => {
  const REGEX = /\b(?:globalThis|global|window|self)\b/g;
  const byRegex = (code: string) => [...code.matchAll(REGEX)].map((m) => [m.index, m.index + m[0].length]);

  it("finds what the regex finds, on texts made of the names and their neighbours", () => {
    const parts = [
      "global",
      "This",
      "globalThis",
      "window",
      "self",
      "_",
      "$",
      "a",
      "9",
      " ",
      ".",
      "\n",
      "é",
      "(",
    ];
    // A fixed generator (no Math.random): the same 20,000 texts every run.
    let seed = 16;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      // The high bits: an LCG's low bits repeat with a short period.
      return seed >>> 16;
    };
    let found = 0;
    for (let k = 0; k < 20_000; k++) {
      let text = "";
      for (let n = next() % 9; n > 0; n--) text += parts[next() % parts.length];
      expect(globalWords(text), text).toEqual(byRegex(text));
      found += byRegex(text).length;
    }
    expect(found).toBeGreaterThan(2000);
  });

  it("finds what the regex finds on a real file, in text order", () => {
    const code = readFileSync(new URL("../../src/core/analysis/global-text.ts", import.meta.url), "utf8");
    const text = `${code}\nself.a = window.b || global.c || globalThis.d; $self; self_; globalThisX; xglobal;`;
    expect(globalWords(text)).toEqual(byRegex(text));
    expect(globalWords(text).length).toBeGreaterThan(10);
  });
});

// The wrapper named as a member (`sa.smartasync`, `x["smartasync"]`) is read around each
// `smartasync` by hand (issue 16); the answer must be the regex's.
describe("memberWrapperIn", () => {
  const REGEX = /\.\s*smartasync\b|\[\s*["'`]smartasync["'`]\s*\]/;

  it("answers as the regex does, on texts made of the word and its neighbours", () => {
    const parts = ["smartasync", ".", "[", "]", '"', "'", "`", " ", "\n", "\u00a0", "_", "x", "9", "$", "é"];
    let seed = 16;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      // The high bits: an LCG's low bits repeat with a short period.
      return seed >>> 16;
    };
    let found = 0;
    for (let k = 0; k < 40_000; k++) {
      let text = "";
      for (let n = next() % 8; n > 0; n--) text += parts[next() % parts.length];
      const expected = REGEX.test(text);
      if (expected) found++;
      expect(memberWrapperIn(text), text).toBe(expected);
    }
    // Both answers occur often enough to tell the two apart.
    expect(found).toBeGreaterThan(500);
  });
});
