import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APP, cli, MALFORMED, PLAIN, tree, untimed } from "./helpers.js";

describe("smartasync check", () => {
  const dir = tree("check", { "src/app.js": APP, "src/plain.js": PLAIN });
  const clean = tree("check-clean", {
    "lib.js": `// @smartasync\nexport async function one() {\n  return 1;\n}\nexport function main() {\n  return one() + 1;\n}\n`,
  });

  it("exit 0 with warnings only, and a summary line", () => {
    const r = cli(["check", "src"], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      "src/app.js:21:3: warning SA201: `loadConfig(...)` is an async smartasync function",
    );
    expect(r.stdout).toMatch(/smartasync check: ok \(2 files, 2 functions, 3 calls .*\)\n$/);
  });

  it("--deny sync-worker fails on the worker function and on the worker call", () => {
    const r = cli(["check", "src", "--deny", "sync-worker"], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "src/app.js:10:1: denied (sync-worker) sync-worker: fetchJson's sync variant fetchJsonSync runs on a worker (awaits fetch(...) at src/app.js:11:15, which has no sync twin), denied by --deny sync-worker",
    );
    expect(r.stdout).toContain(
      "src/app.js:17:10: denied (sync-worker) sync-worker: call of fetchJson uses sync-worker (→ fetchJsonSync), denied by --deny sync-worker",
    );
    expect(r.stdout).toMatch(/smartasync check: failed: 0 errors, 2 denied/);
    // A tree without worker calls passes the same rule.
    expect(cli(["check", ".", "--deny", "sync-worker"], clean).status).toBe(0);
  });

  it("--deny sync-worker fails on a library's worker function that nothing in the tree calls", () => {
    // The migration guard (docs/migrating.md): a library's sync API must stay inline even where
    // the library itself never calls it. The inline function next to it is no finding.
    const lib = tree("check-worker-lib", {
      "index.js": `import { readFile } from "node:fs/promises";\n\n// @smartasync\nexport async function readJson(path) {\n  return JSON.parse(await readFile(path, "utf8"));\n}\n\n// @smartasync\nexport async function remote(url) {\n  const res = await fetch(url);\n  return res.text();\n}\n`,
    });
    expect(cli(["check", "."], lib).status).toBe(0);
    const r = cli(["check", ".", "--deny", "sync-worker"], lib);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "index.js:9:1: denied (sync-worker) sync-worker: remote's sync variant remoteSync runs on a worker (awaits fetch(...) at index.js:10:15, which has no sync twin), denied by --deny sync-worker",
    );
    expect(r.stdout).not.toContain("readJson");
    expect(r.stdout).toMatch(/smartasync check: failed: 0 errors, 1 denied \(1 file, 2 functions, 0 calls/);
    // The other strategies stay about calls: no call here, so nothing to deny.
    expect(cli(["check", ".", "--deny", "sync-inline"], lib).status).toBe(0);
  });

  it("--deny sync-worker fails where an inline variant calls a package's worker variant (attack 15, F3)", () => {
    const manifest = {
      version: 1,
      exports: {
        ".": {
          fetchRate: { name: "fetchRate", kind: "async", variant: "fetchRateSync", syncStrategy: "worker" },
        },
      },
    };
    const app = tree("check-package-worker", {
      "node_modules/ratelib/package.json": JSON.stringify({
        name: "ratelib",
        type: "module",
        exports: { ".": "./index.js" },
        smartasync: { manifest: "./smartasync.manifest.json" },
      }),
      "node_modules/ratelib/smartasync.manifest.json": JSON.stringify(manifest),
      "node_modules/ratelib/index.js": `export async function fetchRate() { return 2; }\nexport function fetchRateSync() { return 2; }\n`,
      "src/main.js": `import { fetchRate } from "ratelib";\n\n// @smartasync\nexport async function price(n) {\n  return n * (await fetchRate("eur"));\n}\n`,
    });
    // Inline itself: nothing else denies it, and without the rule the check passes.
    expect(cli(["check", "src"], app).status).toBe(0);
    const r = cli(["check", "src", "--deny", "sync-worker"], app);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "src/main.js:5:21: denied (sync-worker) sync-worker: price's priceSync calls fetchRate, whose sync variant fetchRateSync runs on a worker, denied by --deny sync-worker",
    );
  });

  it("--deny sync-worker fails on a sync call whose inline variant blocks on a worker a module further on (attack18 F16)", () => {
    const app = tree("check-worker-further-on", {
      "src/helper.js": `// @smartasync\nexport async function h(p) {\n  await new Promise((r) => setTimeout(r, 1));\n  return 1;\n}\n`,
      "src/impl.js": `import { readFile } from "node:fs/promises";\nimport { h } from "./helper.js";\n\n// @smartasync\nexport async function load(p) {\n  const t = await readFile(p, "utf8");\n  return t.length + (await h(p));\n}\n`,
      "src/lib.js": `export { load } from "./impl.js";\n`,
      "src/server/cli.js": `import { load } from "../lib.js";\n\nexport function run(p) {\n  const n = load(p);\n  return n + 1;\n}\n`,
    });
    expect(cli(["check", "src/server"], app).status).toBe(0);
    const r = cli(["check", "src/server", "--deny", "sync-worker"], app);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "src/server/cli.js:4:13: denied (sync-worker) sync-worker: call of load uses sync-inline (→ loadSync), which blocks on a worker further on, denied by --deny sync-worker",
    );
  });

  it("--deny sync-worker fails on a call of a sync annotated function whose own body blocks on a worker (attack19 F5)", () => {
    const app = tree("check-sync-body-worker", {
      "src/lib/remote.js": `// @smartasync\nexport async function h(u) {\n  await new Promise((r) => setTimeout(r, 1));\n  return "remote " + u;\n}\n`,
      "src/lib/helpers.js": `import { h } from "./remote.js";\n\n// @smartasync\nexport function syncKind(u) {\n  const v = h(u);\n  return "syncKind " + v;\n}\n\n// @smartasync\nexport function calm(u) {\n  return "calm " + u;\n}\n`,
      // A call of a sync function earlier in the file than its body, and a chain of two.
      "src/server/handler.js": `import { calm, syncKind } from "../lib/helpers.js";\nimport { h } from "../lib/remote.js";\n\nexport function early() {\n  return outer("/e");\n}\n\n// @smartasync\nfunction outer(u) {\n  return inner(u) + "!";\n}\n\n// @smartasync\nfunction inner(u) {\n  const v = h(u);\n  return v;\n}\n\nexport function route2() {\n  const v = syncKind("/2");\n  return "r2 " + v;\n}\n\nexport function quiet() {\n  return calm("/q");\n}\n`,
    });
    expect(cli(["check", "src/server"], app).status).toBe(0);
    for (const compiler of ["babel", "swc"]) {
      const r = cli(["check", "src/server", "--deny", "sync-worker", "--compiler", compiler], app);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(
        "src/server/handler.js:20:13: denied (sync-worker) sync-worker: call of syncKind uses direct (→ syncKind), which blocks on a worker further on, denied by --deny sync-worker",
      );
      expect(r.stdout).toContain(
        "src/server/handler.js:5:10: denied (sync-worker) sync-worker: call of outer uses direct (→ outer), which blocks on a worker further on, denied by --deny sync-worker",
      );
      expect(r.stdout).toContain(
        "src/server/handler.js:10:10: denied (sync-worker) sync-worker: call of inner uses direct",
      );
      expect(r.stdout).toContain(
        "src/server/handler.js:15:13: denied (sync-worker) sync-worker: call of h uses sync-worker",
      );
      // A sync function whose body blocks on nothing is no finding.
      expect(r.stdout).not.toContain("calm");
      expect(r.stdout).toMatch(/failed: 0 errors, 4 denied/);
    }
  });

  it("--deny sync-worker fails on a call of a sync annotated function that constructs a class of its file whose construction blocks on a worker (attack19 F5)", () => {
    const app = tree("check-sync-body-constructs", {
      "src/lib/remote.js": `// @smartasync\nexport async function h(u) {\n  await new Promise((r) => setTimeout(r, 1));\n  return "remote " + u;\n}\n`,
      // The constructor, a base class's constructor, an instance field; and a class that blocks on nothing.
      "src/lib/things.js": `import { h } from "./remote.js";\n\nclass Thing {\n  constructor(u) {\n    this.v = h(u);\n  }\n}\n\nclass Sub extends Thing {}\n\nclass Fielded {\n  v = h("f");\n}\n\nclass Calm {\n  constructor(u) {\n    this.v = u;\n  }\n}\n\n// @smartasync\nexport function make(u) {\n  return new Thing(u).v;\n}\n\n// @smartasync\nexport function makeSub(u) {\n  return new Sub(u).v;\n}\n\n// @smartasync\nexport function makeFielded() {\n  return new Fielded().v;\n}\n\n// @smartasync\nexport function calm(u) {\n  return new Calm(u).v;\n}\n`,
      "src/server/handler.js": `import { calm, make, makeFielded, makeSub } from "../lib/things.js";\n\nexport function a() {\n  return make("/a");\n}\n\nexport function b() {\n  return makeSub("/b");\n}\n\nexport function c() {\n  return makeFielded();\n}\n\nexport function quiet() {\n  return calm("/q");\n}\n`,
    });
    expect(cli(["check", "src/server"], app).status).toBe(0);
    for (const compiler of ["babel", "swc"]) {
      const r = cli(["check", "src/server", "--deny", "sync-worker", "--compiler", compiler], app);
      expect(r.status).toBe(1);
      for (const [at, name] of [
        ["4:10", "make"],
        ["8:10", "makeSub"],
        ["12:10", "makeFielded"],
      ])
        expect(r.stdout).toContain(
          `src/server/handler.js:${at}: denied (sync-worker) sync-worker: call of ${name} uses direct (→ ${name}), which blocks on a worker further on, denied by --deny sync-worker`,
        );
      expect(r.stdout).not.toContain("calm");
      expect(r.stdout).toMatch(/failed: 0 errors, 3 denied/);
    }
  });

  it("--deny sync-worker fails on a call of a sync annotated function that blocks through a plain function of its file, and on a const alias of an explicit worker variant (attack20 F7)", () => {
    const app = tree("check-sync-body-plain-helper", {
      "src/lib/remote.js": `// @smartasync\nexport async function h(u) {\n  await new Promise((r) => setTimeout(r, 1));\n  return "remote " + u;\n}\n`,
      // A plain declaration, a plain arrow calling it (a chain), and plain helpers that block on nothing.
      "src/lib/helpers.js": `import { h } from "./remote.js";\n\nfunction inner(u) {\n  const v = h(u);\n  return v;\n}\n\nconst middle = (u) => inner(u) + "!";\n\nfunction calmInner(u) {\n  return u;\n}\n\n// @smartasync\nexport function viaInner(u) {\n  return "vi " + inner(u);\n}\n\n// @smartasync\nexport function viaMiddle(u) {\n  return "vm " + middle(u);\n}\n\n// @smartasync\nexport function calm(u) {\n  return "calm " + calmInner(u);\n}\n`,
      "src/server/handler.js": `import { calm, viaInner, viaMiddle } from "../lib/helpers.js";\nimport { hSync } from "../lib/remote.js";\n\nexport function a() {\n  return viaInner("/a");\n}\n\nexport function b() {\n  return viaMiddle("/b");\n}\n\nexport function c() {\n  const f = hSync;\n  return f("/c");\n}\n\nexport function quiet() {\n  return calm("/q");\n}\n`,
    });
    expect(cli(["check", "src/server"], app).status).toBe(0);
    for (const compiler of ["babel", "swc"]) {
      const r = cli(["check", "src/server", "--deny", "sync-worker", "--compiler", compiler], app);
      expect(r.status).toBe(1);
      for (const [at, name] of [
        ["5:10", "viaInner"],
        ["9:10", "viaMiddle"],
      ])
        expect(r.stdout).toContain(
          `src/server/handler.js:${at}: denied (sync-worker) sync-worker: call of ${name} uses direct (→ ${name}), which blocks on a worker further on, denied by --deny sync-worker`,
        );
      expect(r.stdout).toContain(
        "src/server/handler.js:14:10: denied (sync-worker) sync-worker: explicit call of hSync, which runs on a worker or blocks on one further on, denied by --deny sync-worker",
      );
      expect(r.stdout).not.toContain("calm");
      expect(r.stdout).toMatch(/failed: 0 errors, 3 denied/);
    }
  });

  it("--deny sync-worker fails on a call of another module's plain function, and a new of its class, whose body blocks on a worker (attack20 F7)", () => {
    const app = tree("check-imported-plain-blocks", {
      "src/lib/remote.js": `// @smartasync\nexport async function h(u) {\n  await new Promise((r) => setTimeout(r, 1));\n  return "remote " + u;\n}\n`,
      // No annotation: plain exports only, two that block and one that does not.
      "src/lib/helpers.js": `import { h } from "./remote.js";\n\nexport function remoteText(u) {\n  const v = h(u);\n  return "text " + v;\n}\n\nexport class Thing {\n  constructor(u) {\n    this.v = h(u);\n  }\n}\n\nexport function calm(u) {\n  return "calm " + u;\n}\n`,
      "src/server/handler.js": `import { calm, remoteText, Thing } from "../lib/helpers.js";\n\nexport function a() {\n  return remoteText("/a");\n}\n\nexport function b() {\n  return new Thing("/b").v;\n}\n\nexport function quiet() {\n  return calm("/q");\n}\n`,
    });
    expect(cli(["check", "src/server"], app).status).toBe(0);
    for (const compiler of ["babel", "swc"]) {
      const r = cli(["check", "src/server", "--deny", "sync-worker", "--compiler", compiler], app);
      expect(r.status).toBe(1);
      for (const [at, name] of [
        ["4:10", "remoteText"],
        ["8:10", "Thing"],
      ])
        expect(r.stdout).toContain(
          `src/server/handler.js:${at}: denied (sync-worker) sync-worker: call of ${name} uses direct (→ ${name}), which blocks on a worker further on, denied by --deny sync-worker`,
        );
      expect(r.stdout).not.toContain("calm");
      expect(r.stdout).toMatch(/failed: 0 errors, 2 denied/);
    }
  });

  it("--deny sync-worker fails on a call of another module's plain function that blocks on a worker through a parameter default or a class constructed in place (attack29 F03)", () => {
    const app = tree("check-imported-plain-default-inplace", {
      "src/lib/remote.js": `// @smartasync\nexport async function h(u) {\n  await new Promise((r) => setTimeout(r, 1));\n  return "remote " + u;\n}\n`,
      // No annotation: plain exports only, two that block and one whose default does not.
      "src/lib/helpers.js": `import { h } from "./remote.js";\n\nexport function viaDefault(u, v = h(u)) {\n  return v;\n}\n\nexport function viaNew(u) {\n  return new (class {\n    constructor() {\n      this.v = h(u);\n    }\n  })().v;\n}\n\nexport function calm(u, v = "calm " + u) {\n  return v;\n}\n`,
      "src/server/handler.js": `import { calm, viaDefault, viaNew } from "../lib/helpers.js";\n\nexport function a() {\n  return viaDefault("/a");\n}\n\nexport function b() {\n  return viaNew("/b");\n}\n\nexport function quiet() {\n  return calm("/q");\n}\n`,
    });
    expect(cli(["check", "src/server"], app).status).toBe(0);
    for (const compiler of ["babel", "swc"]) {
      const r = cli(["check", "src/server", "--deny", "sync-worker", "--compiler", compiler], app);
      expect(r.status).toBe(1);
      for (const [at, name] of [
        ["4:10", "viaDefault"],
        ["8:10", "viaNew"],
      ])
        expect(r.stdout).toContain(
          `src/server/handler.js:${at}: denied (sync-worker) sync-worker: call of ${name} uses direct (→ ${name}), which blocks on a worker further on, denied by --deny sync-worker`,
        );
      expect(r.stdout).not.toContain("calm");
      expect(r.stdout).toMatch(/failed: 0 errors, 2 denied/);
    }
    // The library's own build lists both under `blocking` in its manifest.
    const lib = cli(["build", "src/lib", "--out-dir", "dist"], app);
    expect(lib.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(app, "dist/smartasync.manifest.json"), "utf8"));
    expect(Object.keys(manifest.blocking["helpers.js"]).sort()).toEqual(["viaDefault", "viaNew"]);
  });

  it("--deny sync-worker fails on a generator iterated, a subclass's inherited method, a CommonJS helper and a nested namespace's function of another module that block on a worker (attack23 F6)", () => {
    const app = tree("check-imported-plain-blocks-routes", {
      "src/lib/remote.js": `// @smartasync\nexport async function h(u) {\n  await new Promise((r) => setTimeout(r, 1));\n  return "remote " + u;\n}\n`,
      "src/lib/remote.cjs": `// @smartasync\nasync function ch(u) {\n  await new Promise((r) => setTimeout(r, 1));\n  return "remote " + u;\n}\nmodule.exports = { ch };\n`,
      // No annotation: plain code only, each blocking through `h` or `ch`.
      "src/lib/gen.js": `import { h } from "./remote.js";\n\nexport function* gen(u) {\n  yield h(u);\n}\n`,
      "src/lib/base.js": `import { h } from "./remote.js";\n\nexport class A {\n  len(u) {\n    return h(u).length;\n  }\n}\n`,
      "src/lib/h2.cjs": `const { ch } = require("./remote.cjs");\n\nexports.clen = (u) => ch(u).length;\n`,
      "src/lib/inner.js": `import { h } from "./remote.js";\n\nexport function len(u) {\n  return h(u).length;\n}\n`,
      "src/lib/h.js": `export * as H2 from "./inner.js";\n`,
      "src/server/handler.js": `import { createRequire } from "node:module";\nimport { A } from "../lib/base.js";\nimport { gen } from "../lib/gen.js";\nimport * as H from "../lib/h.js";\n\nconst require = createRequire(import.meta.url);\nclass B extends A {}\n\nexport function a(u) {\n  return [...gen(u)];\n}\n\nexport function b(u) {\n  return new B().len(u);\n}\n\nexport function c(u) {\n  return require("../lib/h2.cjs").clen(u);\n}\n\nexport function d(u) {\n  return H.H2.len(u);\n}\n`,
    });
    expect(cli(["check", "src/server"], app).status).toBe(0);
    for (const compiler of ["babel", "swc"]) {
      const r = cli(["check", "src/server", "--deny", "sync-worker", "--compiler", compiler], app);
      expect(r.status).toBe(1);
      for (const [at, name] of [
        ["10:14", "gen"],
        ["14:10", "A.prototype.len"],
        ["18:10", "clen"],
        ["22:10", "len"],
      ])
        expect(r.stdout).toContain(
          `src/server/handler.js:${at}: denied (sync-worker) sync-worker: call of ${name} uses direct (→ ${name}), which blocks on a worker further on, denied by --deny sync-worker`,
        );
      expect(r.stdout).toMatch(/failed: 0 errors, 4 denied/);
    }
  });

  it("--deny sync-worker fails on a call of a sync annotated function that blocks through a getter of its file or a callback a built-in calls, and on the typed form's variant destructured (attack20 F7)", () => {
    const app = tree("check-sync-body-getter-callback", {
      "src/lib/remote.js": `import { smartasync } from "smartasync/runtime";\n\n// @smartasync\nexport async function h(u) {\n  await new Promise((r) => setTimeout(r, 1));\n  return "remote " + u;\n}\n\nexport const typed = smartasync(async (u) => {\n  await new Promise((r) => setTimeout(r, 1));\n  return "typed " + u;\n});\n`,
      "src/lib/helpers.js": `import { h } from "./remote.js";\n\nconst obj = {\n  get v() {\n    const x = h("/g");\n    return "getter " + x;\n  },\n  get calm() {\n    return "calm";\n  },\n};\n\n// @smartasync\nexport function viaGetter() {\n  return obj.v;\n}\n\n// @smartasync\nexport function viaMap(u) {\n  return [u].map((x) => h(x))[0];\n}\n\n// @smartasync\nexport function calm() {\n  return obj.calm;\n}\n`,
      "src/server/handler.js": `import { calm, viaGetter, viaMap } from "../lib/helpers.js";\nimport { typed } from "../lib/remote.js";\n\nexport function a() {\n  return viaGetter();\n}\n\nexport function b() {\n  return viaMap("/b");\n}\n\nexport function c() {\n  const { sync } = typed;\n  return sync("/c");\n}\n\nexport function quiet() {\n  return calm();\n}\n`,
    });
    expect(cli(["check", "src/server"], app).status).toBe(0);
    for (const compiler of ["babel", "swc"]) {
      const r = cli(["check", "src/server", "--deny", "sync-worker", "--compiler", compiler], app);
      expect(r.status).toBe(1);
      for (const [at, name] of [
        ["5:10", "viaGetter"],
        ["9:10", "viaMap"],
      ])
        expect(r.stdout).toContain(
          `src/server/handler.js:${at}: denied (sync-worker) sync-worker: call of ${name} uses direct (→ ${name}), which blocks on a worker further on, denied by --deny sync-worker`,
        );
      expect(r.stdout).toContain(
        "src/server/handler.js:14:10: denied (sync-worker) sync-worker: explicit call of typedSync, which runs on a worker or blocks on one further on, denied by --deny sync-worker",
      );
      expect(r.stdout).not.toContain("calm");
      expect(r.stdout).toMatch(/failed: 0 errors, 3 denied/);
    }
  });

  it("--deny sync-worker fails on an explicit call of a sync variant that runs on a worker (attack19 F14)", () => {
    const app = tree("check-explicit-worker", {
      "src/lib/remote.js": `import { smartasync } from "smartasync/runtime";\n\n// @smartasync\nexport async function fetchJson(u) {\n  const r = await fetch("data:text/plain," + u);\n  return r.text();\n}\n\nexport const fetchTyped = smartasync(async (u) => {\n  const r = await fetch("data:text/plain," + u);\n  return r.text();\n});\n\n// @smartasync\nexport async function local(u) {\n  return u;\n}\n`,
      "src/server/h.js": `import { fetchJsonSync, fetchTyped, localSync } from "../lib/remote.js";\n\nexport function a() {\n  return fetchJsonSync("/a");\n}\nexport function b() {\n  return fetchTyped.sync("/b");\n}\nexport function c() {\n  return localSync("/c");\n}\n`,
    });
    const r = cli(["check", "src/server", "--deny", "sync-worker"], app);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "src/server/h.js:4:10: denied (sync-worker) sync-worker: explicit call of fetchJsonSync, which runs on a worker or blocks on one further on, denied by --deny sync-worker",
    );
    expect(r.stdout).toMatch(
      /src\/server\/h\.js:7:10: denied \(sync-worker\) sync-worker: explicit call of /,
    );
    // An explicit call of an inline variant blocks on nothing.
    expect(r.stdout).not.toContain("h.js:10:");
  });

  it("--deny sync-worker fails on a worker variant used as a value: handed to a built-in, Reflect.apply (attack27 F08)", () => {
    const app = tree("check-explicit-worker-value", {
      "src/lib/remote.js": `import { smartasync } from "smartasync/runtime";\n\n// @smartasync\nexport async function fetchJson(u) {\n  await new Promise((r) => setImmediate(r));\n  return { u };\n}\n\nexport const fetchTyped = smartasync(async (u) => {\n  await new Promise((r) => setImmediate(r));\n  return u;\n});\n\n// @smartasync\nexport async function local(u) {\n  return u;\n}\n`,
      "src/server/b.js": `import { fetchJsonSync } from "../lib/remote.js";\nexport function viaMap(us) { return us.map(fetchJsonSync); }\n`,
      "src/app/main.js": `import { viaMap } from "../server/b.js";\nconsole.log(viaMap(["x"]));\n`,
      "src/server/d.js": `import { fetchJsonSync, fetchTyped, localSync } from "../lib/remote.js";\nexport function viaReflect(u) { return Reflect.apply(fetchJsonSync, null, [u]); }\nexport function viaForEach(u) { [u].forEach(fetchJsonSync); [u].forEach(fetchTyped.sync); }\nexport function inline(us) { return us.map(localSync); }\n`,
    });
    // Only the consumer files are checked (the library stands for a package with a manifest).
    const r = cli(["check", "src/server", "--deny", "sync-worker"], app);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "src/server/b.js:2:44: denied (sync-worker) sync-worker: fetchJsonSync used as a value (`us.map(fetchJsonSync)`): it blocks on a worker wherever it is called, denied by --deny sync-worker",
    );
    expect(r.stdout).toContain(
      "src/server/d.js:2:54: denied (sync-worker) sync-worker: fetchJsonSync used as a value (`Reflect.apply(fetchJsonSync, null, [u])`): it blocks on a worker wherever it is called, denied by --deny sync-worker",
    );
    expect(r.stdout).toContain(
      "src/server/d.js:3:45: denied (sync-worker) sync-worker: fetchJsonSync used as a value",
    );
    expect(r.stdout).toMatch(
      /src\/server\/d\.js:3:\d+: denied \(sync-worker\) sync-worker: \S+ used as a value \(`\[u\]\.forEach\(fetchTyped\.sync\)`\)/,
    );
    // An inline variant handed on blocks on nothing.
    expect(r.stdout).not.toContain("d.js:4:");
    expect(r.stdout).toMatch(/smartasync check: failed: 0 errors, 4 denied/);
    // A plain function that hands the variant to a built-in blocks when called: its importer's
    // call is denied too (its module's `blocking` fact).
    const main = cli(["check", "src/app", "--deny", "sync-worker"], app);
    expect(main.stdout).toContain(
      "src/app/main.js:2:13: denied (sync-worker) sync-worker: call of viaMap uses direct (→ viaMap), which blocks on a worker further on, denied by --deny sync-worker",
    );
    // inspect lists each as an explicit call.
    const [report] = JSON.parse(cli(["inspect", "src/server/b.js", "--format", "json"], app).stdout);
    expect(report.calls).toEqual([
      expect.objectContaining({
        strategy: "explicit",
        context: "handed-on",
        target: "fetchJsonSync",
        blocksOnWorker: true,
      }),
    ]);
  });

  it("--deny dispatch fails on a dispatched call inside an inline variant (attack18 F3)", () => {
    const app = tree("check-dispatch-in-inline", {
      "src/client.js": `export class Client {\n  // @smartasync\n  async get(u) {\n    await new Promise((r) => setTimeout(r, 5));\n    return "got " + u;\n  }\n}\n`,
      "src/handler.js": `import { readFile } from "node:fs/promises";\nimport "./client.js";\n\n// @smartasync\nexport async function inlineCaller(client) {\n  const t = await readFile(new URL(import.meta.url), "utf8");\n  const r = await client.get("/z");\n  return t.length + r;\n}\n`,
    });
    const r = cli(["check", "src/handler.js", "--deny", "dispatch"], app);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "src/handler.js:7:19: denied (dispatch) dispatch: inlineCallerSync dispatches client.get(...) (whatever the receiver holds runs, its sync variant perhaps on a worker), denied by --deny dispatch",
    );
  });

  it("--deny SA201 and --deny warnings fail on the floating promise; comma-separated and repeatable", () => {
    for (const deny of [
      ["--deny", "SA201"],
      ["--deny", "warnings"],
      ["--deny", "offload,sa201"],
      ["-d", "dispatch", "-d", "SA201"],
    ]) {
      const r = cli(["check", "src", ...deny], dir);
      expect(r.status, deny.join(" ")).toBe(1);
      expect(r.stdout).toMatch(/src\/app\.js:21:3: warning, denied \((SA201|warnings)\) SA201: /);
    }
    expect(cli(["check", "src", "--deny", "SA303"], dir).status).toBe(0);
  });

  it("an unknown --deny word is a usage error with a suggestion", () => {
    const r = cli(["check", "src", "--deny", "sync-wroker"], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^smartasync: --deny sync-wroker: not a diagnostic code, a strategy, "guarded", "offload-outside" or "warnings" \(did you mean sync-worker\?\)/,
    );
  });

  it("--deny guarded fails on each run-time guard of an inline variant, at the guarded value", () => {
    const t = tree("check-guarded", {
      "db.js": `// @smartasync\nexport async function query(conn, sql) {\n  const rows = await conn.run(sql);\n  return rows.length;\n}\n`,
    });
    expect(cli(["check", "."], t).status).toBe(0);
    const r = cli(["check", ".", "--deny", "guarded"], t);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "db.js:3:22: denied (guarded) guarded: querySync checks at run time that conn.run(...) is not a promise, denied by --deny guarded",
    );
    expect(r.stdout).toContain(
      "db.js:4:10: denied (guarded) guarded: querySync checks at run time that rows.length",
    );
    expect(cli(["check", ".", "--deny", "guarded"], clean).status).toBe(0);
  });

  it("--deny guarded fails on the guard of a returned call a function with an unknown declared type hands on (issue 13)", () => {
    const t = tree("check-guarded-unknown-return", {
      "store.ts": `export function lookup(name: string): object {\n  return { name };\n}\n`,
      "config.ts": `import { lookup } from "./store.js";\n\n// @smartasync\nexport function settings(name: string): object {\n  return lookup(name);\n}\n`,
    });
    // Without the rule: SA108 only, a warning.
    expect(cli(["check", "."], t).status).toBe(0);
    const r = cli(["check", ".", "--deny", "guarded"], t);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "config.ts:5:10: denied (guarded) guarded: settingsSync checks at run time that lookup(...) is not a promise, denied by --deny guarded",
    );
  });

  it("--deny offload-outside fails on an offloaded call whose effects outside JS memory come later (attack 18, F12)", () => {
    const t = tree("check-offload-outside", {
      "lib.js": `// @smartasync\nexport function total(xs) {\n  return xs.length;\n}\n// @smartasync\nexport function note(v) {\n  console.log(v);\n}\n`,
      "app.js": [
        `import { writeFileSync } from "node:fs";`,
        `import { note, total } from "./lib.js";`,
        `// @smartasync`,
        `export function save(f, v) {`,
        `  writeFileSync(f, v);`,
        `}`,
        `// @smartasync`,
        `export function sum(xs) {`,
        `  return xs.reduce((a, b) => a + b, 0);`,
        `}`,
        `// @smartasync same-thread`,
        `export function saveHere(f, v) {`,
        `  writeFileSync(f, v);`,
        `}`,
        `export async function main() {`,
        `  await save("a", "b");`,
        `  await sum([1]);`,
        `  await total([1]);`,
        `  await saveHere("a", "b");`,
        `  await note("x");`,
        `}`,
        ``,
      ].join("\n"),
    });
    // Without the word, the report's flag fails nothing.
    expect(cli(["check", "."], t).status).toBe(0);
    const r = cli(["check", ".", "--deny", "offload-outside"], t);
    expect(r.status).toBe(1);
    // The file write of a function of the file, with the call that writes.
    expect(r.stdout).toContain(
      "app.js:16:9: denied (offload-outside) offload-outside: call of save uses offload (→ saveAsync) and has effects outside JS memory: offloaded, and `save` writes to the file system (`writeFileSync(...)` at app.js:5:3)",
    );
    // A function of another module is judged by its module's build (attack20 F13): `note` prints,
    // so it is not proven quiet and is denied; `total` only computes, and its facts say so.
    expect(r.stdout).toContain(
      "app.js:20:9: denied (offload-outside) offload-outside: call of note uses offload (→ noteAsync) and has effects outside JS memory: offloaded, and `note` comes from `./lib.js`, whose build does not prove it free of effects outside JS memory",
    );
    expect(r.stdout).not.toContain("call of total");
    // The pure function is offloaded without a flag; the same-thread one is not offloaded.
    expect(r.stdout).not.toContain("call of sum");
    expect(r.stdout).not.toContain("call of saveHere");
    expect(r.stdout).toMatch(/smartasync check: failed: 0 errors, 2 denied/);
    // `--deny offload` says it once per call, under its own word.
    const both = cli(["check", ".", "--deny", "offload,offload-outside"], t);
    expect(both.stdout).not.toContain("(offload-outside)");
    expect(both.stdout).toMatch(/smartasync check: failed: 0 errors, 4 denied/);
    const json = JSON.parse(cli(["check", ".", "--deny", "offload-outside", "--format", "json"], t).stdout);
    const calls = json.reports.find((f: { file: string }) => f.file === "app.js").calls;
    expect(calls.map((c: { callee: string; outside?: true }) => [c.callee, c.outside ?? false])).toEqual([
      ["save", true],
      ["sum", false],
      ["total", false],
      ["saveHere", false],
      ["note", true],
    ]);
    expect(cli(["check", ".", "--deny", "offload-outside"], clean).status).toBe(0);
  });

  it("--deny offload-outside fails on a function that hands a file or output function to a built-in (attack22 F4)", () => {
    const t = tree("check-offload-outside-handed", {
      "app.js": [
        `import fs from "node:fs";`,
        `// @smartasync`,
        `export function rmAll(files) {`,
        `  files.forEach(fs.unlinkSync);`,
        `  return files.length;`,
        `}`,
        `// @smartasync`,
        `export function shout(v) {`,
        `  [v].forEach(console.log);`,
        `  return v;`,
        `}`,
        `function double(x) {`,
        `  return x * 2;`,
        `}`,
        `// @smartasync`,
        `export function doubled(xs) {`,
        `  return xs.map(double);`,
        `}`,
        `export async function main() {`,
        `  await rmAll([]);`,
        `  await shout("x");`,
        `  await doubled([1]);`,
        `}`,
        ``,
      ].join("\n"),
    });
    const r = cli(["check", ".", "--deny", "offload-outside"], t);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "app.js:20:9: denied (offload-outside) offload-outside: call of rmAll uses offload (→ rmAllAsync) and has effects outside JS memory: offloaded, and `rmAll` writes to the file system, through a function it hands to a call that may call it (`fs.unlinkSync` at app.js:4:17)",
    );
    expect(r.stdout).toContain(
      "app.js:21:9: denied (offload-outside) offload-outside: call of shout uses offload (→ shoutAsync) and has effects outside JS memory: offloaded, and `shout` prints to the console, through a function it hands to a call that may call it (`console.log` at app.js:9:15)",
    );
    // A function of the module handed to `map` that only computes stays quiet.
    expect(r.stdout).not.toContain("call of doubled");
    expect(r.stdout).toMatch(/smartasync check: failed: 0 errors, 2 denied/);
  });

  it("a thrown SA error counts as an error, with its code and location; the others are still checked", () => {
    const t = tree("check-error", { "a.js": MALFORMED, "b.js": APP });
    const r = cli(["check", "."], t);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("a.js:1:1: error SA101: unexpected `inline` after @smartasync.");
    expect(r.stdout).toContain("b.js:21:3: warning SA201:");
    expect(r.stderr).toContain("smartasync: a.js: SA101: unexpected `inline` after @smartasync.");
    expect(r.stderr).toContain("> 1 | /* @smartasync inline */");
    expect(r.stdout).toMatch(/smartasync check: failed: 1 error, 0 denied \(2 files \(1 failed\)/);
    const gh = cli(["check", ".", "--format", "github"], t);
    expect(gh.stdout).toContain("::error file=a.js,line=1,col=1,title=SA101::unexpected `inline`");
  });

  it("a Babel preset refusing the user's code is the user's error, located at its code frame (attack25 F18)", () => {
    // preset-typescript throws "Namespaces exporting non-const are not supported by Babel" with a
    // code frame and no `loc`: it was `internal-error`, unlocated.
    const t = tree("check-preset-error", {
      "src/cfg.ts": `export namespace Cfg {\n  export let mode = "dev";\n}\n`,
      "src/tab.ts": `export namespace Tab {\n\texport var x = 1;\n}\n`,
    });
    const r = cli(["check", "src", "--compiler", "babel", "--format", "json"], t);
    expect(r.status).toBe(1);
    const findings = JSON.parse(r.stdout).findings.map(
      (f: { code: string; loc: string; message: string }) => [f.code, f.loc, f.message],
    );
    expect(findings).toEqual([
      [
        "syntax-error",
        "src/cfg.ts:2:10",
        "Namespaces exporting non-const are not supported by Babel. Change to const or see: https://babeljs.io/docs/en/babel-plugin-transform-typescript",
      ],
      [
        "syntax-error",
        "src/tab.ts:2:9",
        "Namespaces exporting non-const are not supported by Babel. Change to const or see: https://babeljs.io/docs/en/babel-plugin-transform-typescript",
      ],
    ]);
    expect(r.stderr).toContain('> 2 |   export let mode = "dev";');
    const gh = cli(["check", "src", "--compiler", "babel", "--format", "github"], t);
    expect(gh.stdout).toContain(
      "::error file=src/cfg.ts,line=2,col=10,title=syntax-error::Namespaces exporting",
    );
  });

  it("exit 2 for usage errors: a missing path, an unknown option, an unknown compiler", () => {
    expect(cli(["check", "missing"], dir)).toMatchObject({
      status: 2,
      stderr: "smartasync: missing: no such file or directory\n",
    });
    expect(cli(["check", "src", "--frobnicate"], dir).status).toBe(2);
    expect(cli(["check", "src", "--compiler", "tsc"], dir).status).toBe(2);
  });

  it("no progress bar when piped, nor in CI", () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 12; i++) many[`f${i}.js`] = PLAIN;
    const t = tree("check-many", many);
    for (const env of [{}, { CI: "true" }]) {
      const r = cli(["check", "."], t, env);
      expect(r.status).toBe(0);
      expect(r.stderr).toBe("");
      expect(r.stdout).not.toMatch(/[\r█░]/);
    }
  });

  describe("--format: every format inspect has (table, json, github, sarif)", () => {
    it("table is the default (one line per finding), text the same", () => {
      const plain = cli(["check", "src", "--deny", "sync-worker"], dir);
      for (const format of ["table", "text"]) {
        const r = cli(["check", "src", "--deny", "sync-worker", "--format", format], dir);
        expect(r.status).toBe(1);
        expect(untimed(r.stdout)).toBe(untimed(plain.stdout));
      }
    });

    it("json: the verdict, every finding with what fails it, every report; the summary on stderr", () => {
      const r = cli(["check", "src", "--deny", "sync-worker", "--format", "json"], dir);
      expect(r.status).toBe(1);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ version: 1, ok: false, errors: 0, denied: 2 });
      expect(out.findings).toEqual([
        expect.objectContaining({
          code: "SA201",
          severity: "warning",
          loc: "src/app.js:21:3",
          failsBy: null,
        }),
        expect.objectContaining({ code: "sync-worker", loc: "src/app.js:10:1", failsBy: "sync-worker" }),
        {
          code: "sync-worker",
          severity: "error",
          message: "call of fetchJson uses sync-worker (→ fetchJsonSync), denied by --deny sync-worker",
          loc: "src/app.js:17:10",
          failsBy: "sync-worker",
        },
      ]);
      expect(out.reports.map((x: { file: string }) => x.file)).toEqual(["src/app.js", "src/plain.js"]);
      expect(r.stderr).toMatch(/^smartasync check: failed: 0 errors, 2 denied \(2 files/);
      const ok = JSON.parse(cli(["check", ".", "-f", "json"], clean).stdout);
      expect(ok).toMatchObject({ ok: true, errors: 0, denied: 0, findings: [] });
    });

    it("github: a denied call is an ::error annotation at its line", () => {
      const r = cli(["check", "src", "--deny", "sync-worker", "--format", "github"], dir);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(
        "::error file=src/app.js,line=17,col=10,title=sync-worker::call of fetchJson uses sync-worker",
      );
      expect(r.stdout).toContain("::warning file=src/app.js,line=21,col=3,title=SA201::");
    });

    it("sarif: denied strategies are results of level error with their location and a rule", () => {
      const r = cli(["check", "src", "--deny", "sync-worker,SA201", "--format", "sarif"], dir);
      expect(r.status).toBe(1);
      const run = JSON.parse(r.stdout).runs[0];
      const rules = run.tool.driver.rules as { id: string; defaultConfiguration: { level: string } }[];
      expect(rules.find((x) => x.id === "sync-worker")?.defaultConfiguration.level).toBe("error");
      const results = run.results as {
        ruleId: string;
        ruleIndex: number;
        level: string;
        locations: { physicalLocation: unknown }[];
      }[];
      expect(results.map((x) => [x.ruleId, x.level])).toEqual([
        ["SA201", "error"], // a warning that --deny SA201 makes fail
        ["sync-worker", "error"], // the worker function
        ["sync-worker", "error"], // its call
      ]);
      expect(results[1]!.locations[0]!.physicalLocation).toEqual({
        artifactLocation: { uri: "src/app.js", uriBaseId: "%SRCROOT%" },
        region: { startLine: 10, startColumn: 1 },
      });
      expect(results[2]!.locations[0]!.physicalLocation).toEqual({
        artifactLocation: { uri: "src/app.js", uriBaseId: "%SRCROOT%" },
        region: { startLine: 17, startColumn: 10 },
      });
      for (const x of results) expect(rules[x.ruleIndex]!.id).toBe(x.ruleId);
      expect(r.stderr).toMatch(/^smartasync check: failed: 0 errors, 3 denied/);
    });

    it("an unknown format is a usage error naming the choices", () => {
      const r = cli(["check", "src", "--format", "xml"], dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("table, text, json, github, sarif");
    });
  });
});
