import { readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { factsFromManifest, fileStamp } from "../../src/core/module-facts.js";
import { cli, node, ROOT, tree } from "./helpers.js";

it("smartasync build writes the package manifest, and importers read it through package.json exports", () => {
  const dir = tree("build-manifest", {
    "src/index.js": `export { greet } from "./greet.js";\nexport * from "./count.js";\n`,
    "src/greet.js": `// @smartasync\nexport async function greet(name) {\n  return \`hi \${await Promise.resolve(name).then(String)}\`;\n}\n`,
    "src/count.js": `// @smartasync\nexport function count(s) {\n  return s.length;\n}\nexport class Box {\n  // @smartasync\n  async get() {\n    return 1;\n  }\n}\n`,
    "src/plain.js": "export const x = 1;\n",
  });
  const r = cli(["build", "src", "--out-dir", "dist"], dir);
  expect(r.status, r.stderr).toBe(0);
  const manifest = JSON.parse(readFileSync(join(dir, "dist/smartasync.manifest.json"), "utf8"));
  // Each function's parameter uses travel with it (a call passed to it from sync code: SA109/SA211).
  const count = {
    name: "count",
    kind: "sync",
    variant: "countAsync",
    asyncStrategy: "offload",
    // Proven free of effects outside JS memory: importers may run its calls in parallel (attack20 F13).
    quiet: true,
    params: [{ use: "value" }],
  };
  const greet = {
    name: "greet",
    kind: "async",
    variant: "greetSync",
    syncStrategy: "worker",
    params: [{ use: "promise", what: "`Promise.resolve(name)`", at: "src/greet.js:3:22" }],
  };
  const Box = { name: "Box", class: true, own: [], prototype: ["getSync"] };
  expect(manifest).toEqual({
    version: 1,
    files: {
      "count.js": { count },
      "greet.js": { greet },
      "index.js": { greet, count },
    },
    methods: { get: ["async"] },
    // The exported class holding an annotated method, with the variant its prototype gets: an
    // importer's `Object.getOwnPropertyNames(Box.prototype)` is SA213 as for the source.
    listed: { "count.js": { Box }, "index.js": { Box } },
    // Each described file's bytes as written: importers take an entry only while they match (attack26 F04).
    stamps: {
      "count.js": fileStamp(join(dir, "dist/count.js")),
      "greet.js": fileStamp(join(dir, "dist/greet.js")),
      "index.js": fileStamp(join(dir, "dist/index.js")),
    },
  });
  const pkg = {
    name: "lib",
    exports: { ".": "./dist/index.js", "./count": { import: "./dist/count.js" } },
    smartasync: { manifest: "./dist/smartasync.manifest.json" },
  };
  const root = factsFromManifest("lib", dir, ".", pkg);
  expect([...root.exports.keys()].sort()).toEqual(["count", "greet"]);
  expect(root.exports.get("greet")).toMatchObject({ variant: "greetSync", from: "lib" });
  expect(factsFromManifest("lib", dir, "./count", pkg).exports.get("count")).toMatchObject({
    from: "lib/count",
    quiet: true,
  });
  // A manifest is a dependency's file: `quiet` is taken only as smartasync writes it.
  const path = join(dir, "dist/smartasync.manifest.json");
  const edited = JSON.parse(readFileSync(path, "utf8"));
  edited.files["count.js"].count.quiet = "yes";
  writeFileSync(path, JSON.stringify(edited));
  const loose = factsFromManifest("lib", dir, "./count", pkg).exports.get("count");
  expect(loose).toMatchObject({ asyncStrategy: "offload" });
  expect(loose).not.toHaveProperty("quiet");
  expect(root.methods.get("get")).toEqual(new Set(["async"]));
  expect(root.listed?.get("Box")).toEqual({ ...Box, from: "lib" });
});

it("a built package's manifest carries its element-held exports: importers get SA206 as importers of the source do", () => {
  // `handlers` holds `load` as an array element, `api` under a computed key: which function a
  // call through them reaches is picked at run time, so such a call is reported (SA206), whether
  // the importer reads the package's source or its build (the manifest's `picked`).
  const lib = {
    "src/load.js": `// @smartasync\nexport async function load(x) {\n  return x;\n}\n`,
    "src/held.js": `import { load } from "./load.js";\nconst key = "viaKey";\nexport const handlers = [load, (x) => x];\nexport const api = { [key]: load, plain: (x) => x };\n`,
    "src/index.js": `export * from "./held.js";\nexport { handlers as list } from "./held.js";\nexport { load } from "./load.js";\n`,
  };
  const main = (from: string) =>
    `import { api, handlers, list } from "${from}";\nexport function main() {\n  return [handlers[0](1), api.viaKey(2), list[1](3), api.plain(4)].join(",");\n}\n`;
  const dir = tree("build-manifest-picked", {
    ...lib,
    "app/src/main.js": main("lib"),
    "app/node_modules/lib/package.json": JSON.stringify({
      name: "lib",
      type: "module",
      exports: { ".": "./dist/index.js" },
      smartasync: { manifest: "./dist/smartasync.manifest.json" },
    }),
    "source/main.js": main("../src/index.js"),
  });
  const r = cli(["build", "src", "--out-dir", "app/node_modules/lib/dist"], dir);
  expect(r.status, r.stderr).toBe(0);
  const manifest = JSON.parse(
    readFileSync(join(dir, "app/node_modules/lib/dist/smartasync.manifest.json"), "utf8"),
  );
  const held = { name: "load", kind: "async", array: true, keys: [] };
  const keyed = { name: "load", kind: "async", array: false, keys: ["plain"] };
  expect(manifest.picked).toEqual({
    "held.js": { handlers: held, api: keyed },
    "index.js": { handlers: held, api: keyed, list: held },
  });
  const pkg = JSON.parse(readFileSync(join(dir, "app/node_modules/lib/package.json"), "utf8"));
  const facts = factsFromManifest("lib", join(dir, "app/node_modules/lib"), ".", pkg);
  expect(facts.picked?.get("list")).toEqual({ ...held, from: "lib" });

  const warnings = (out: string) =>
    out
      .split("\n")
      .filter((l) => l.includes("warning SA206"))
      .map((l) => l.replace(/^\S+:(\d+:\d+): /, "$1: "));
  const built = cli(["check", "src"], join(dir, "app"));
  const source = cli(["check", "source"], dir);
  expect(built.status, built.stdout).toBe(0);
  // handlers[0](1), api.viaKey(2), list[1](3); `api.plain(4)` is a key written after the computed one.
  expect(warnings(built.stdout)).toHaveLength(3);
  expect(warnings(built.stdout).map((l) => l.slice(0, 8))).toEqual(["3:11: wa", "3:27: wa", "3:42: wa"]);
  expect(warnings(built.stdout)).toEqual(warnings(source.stdout));
});

it("a built package's manifest carries the globals it sets to smartasync functions: importers' bare calls get SA206 as importers of the source do", () => {
  // `globalThis.gl = load` (and `Reflect.set(globalThis, "gr", load)`) in the package's entry: a
  // bare `gl(1)` of an importer is a name without the variant (issue 13), whether the importer
  // reads the package's source or its build (the manifest's `globals`); once the build's
  // manifest did not carry them, and the call of a built package's global was silently plain.
  const lib = {
    "src/index.js": `// @smartasync\nexport async function load(x) {\n  return x;\n}\nglobalThis.gl = load;\nReflect.set(globalThis, "gr", load);\n`,
  };
  const main = (from: string) =>
    `import "${from}";\nexport function main() {\n  return [gl(1), gr(2)].join(",");\n}\n`;
  const dir = tree("build-manifest-globals", {
    ...lib,
    "app/src/main.js": main("lib"),
    "app/node_modules/lib/package.json": JSON.stringify({
      name: "lib",
      type: "module",
      exports: { ".": "./dist/index.js" },
      smartasync: { manifest: "./dist/smartasync.manifest.json" },
    }),
    "source/main.js": main("../src/index.js"),
  });
  const r = cli(["build", "src", "--out-dir", "app/node_modules/lib/dist"], dir);
  expect(r.status, r.stderr).toBe(0);
  const manifest = JSON.parse(
    readFileSync(join(dir, "app/node_modules/lib/dist/smartasync.manifest.json"), "utf8"),
  );
  expect(Object.keys(manifest.globals?.["index.js"] ?? {}).sort()).toEqual(["gl", "gr"]);
  expect(manifest.globals["index.js"].gl).toMatchObject({ name: "load", kind: "async" });
  const pkg = JSON.parse(readFileSync(join(dir, "app/node_modules/lib/package.json"), "utf8"));
  const facts = factsFromManifest("lib", join(dir, "app/node_modules/lib"), ".", pkg);
  expect(facts.globals?.get("gl")).toMatchObject({ name: "load", kind: "async", from: "lib" });

  const warnings = (out: string) =>
    out
      .split("\n")
      .filter((l) => l.includes("warning SA206"))
      .map((l) => l.replace(/^\S+:(\d+:\d+): /, "$1: ").replace(/ at \S+:\d+:\d+ /, " at … "));
  const built = cli(["check", "src"], join(dir, "app"));
  const source = cli(["check", "source"], dir);
  expect(built.status, built.stdout).toBe(0);
  expect(warnings(built.stdout).map((l) => l.slice(0, 10))).toEqual(["3:11: warn", "3:18: warn"]);
  expect(warnings(built.stdout)).toEqual(warnings(source.stdout));
});

it("the manifest of a CommonJS barrel lists what importers of its source see: functions, element-held literals, namespaces", () => {
  // One rule carries a re-export's facts (core/analysis/exports.ts, carryReExport) for importers
  // and for the manifest; the manifest once dropped a barrel's `picked` and `namespaces`.
  const lib = {
    "src/load.cjs": `// @smartasync\nasync function load(x) {\n  return x;\n}\nmodule.exports = { load };\n`,
    "src/held.cjs": `const { load } = require("./load.cjs");\nconst ns = require("./load.cjs");\n// @smartasync\nasync function own(x) {\n  return x;\n}\nconst handlers = [own];\nmodule.exports = { load, handlers, ns };\n`,
    "src/index.cjs": `module.exports = require("./held.cjs");\n`,
    "src/star.cjs": `module.exports = { ...require("./held.cjs") };\n`,
  };
  const main = (from: string) =>
    `const lib = require("${from}");\nfunction main() {\n  return [lib.load(1), lib.handlers[0](2), lib.ns.load(3)].join(",");\n}\nmodule.exports = { main };\n`;
  const dir = tree("build-manifest-cjs-barrel", {
    ...lib,
    "app/src/main.cjs": main("lib"),
    "app/node_modules/lib/package.json": JSON.stringify({
      name: "lib",
      exports: { ".": "./dist/index.cjs" },
      smartasync: { manifest: "./dist/smartasync.manifest.json" },
    }),
    "source/main.cjs": main("../src/index.cjs"),
  });
  const r = cli(["build", "src", "--out-dir", "app/node_modules/lib/dist"], dir);
  expect(r.status, r.stderr).toBe(0);
  const manifest = JSON.parse(
    readFileSync(join(dir, "app/node_modules/lib/dist/smartasync.manifest.json"), "utf8"),
  );
  const load = { name: "load", kind: "async", variant: "loadSync" };
  for (const barrel of ["held.cjs", "index.cjs", "star.cjs"]) {
    expect(manifest.files[barrel], barrel).toEqual({ load: expect.objectContaining(load) });
    expect(manifest.picked?.[barrel], barrel).toEqual({
      handlers: { name: "own", kind: "async", array: true, keys: [] },
    });
    expect(manifest.namespaces?.[barrel], barrel).toEqual({ ns: { load: expect.objectContaining(load) } });
  }
  // Importers of the build and of the source see the same: `lib.load(1)` and `lib.ns.load(3)`
  // rewritten, `lib.handlers[0](2)` (it holds `own`) warned (SA206).
  const built = cli(["inspect", "src", "-f", "json"], join(dir, "app"));
  const source = cli(["inspect", "source", "-f", "json"], dir);
  expect(built.status, built.stderr).toBe(0);
  const calls = (out: string) =>
    (JSON.parse(out) as { calls: { loc: string; target: string; reason?: string }[] }[])
      .flatMap((f) => f.calls)
      .map((c) => `${c.loc.replace(/^.*?:/, "")} ${c.target}${c.reason ? ` ${c.reason}` : ""}`);
  expect(calls(built.stdout)).toEqual(["3:11 loadSync", "3:24 own SA206", "3:44 loadSync"]);
  expect(calls(built.stdout)).toEqual(calls(source.stdout));
});

it("a built package's manifest carries TypeScript namespaces at every depth: importers of the build see what importers of the source see", () => {
  // `A.B.deep()` of `export namespace A { export namespace B {…} }`, `X.Y.find()` of
  // `export namespace X.Y {…}`: the manifest once wrote namespaces one level deep, so an
  // importer of the build left such a call plain in sync code, with no warning (issue 13).
  // `Api.get` holds `load` without a variant beside it: SA206 through the build as through the source.
  const lib = {
    "src/index.ts": [
      "// @smartasync",
      "async function load(x: number): Promise<number> {",
      "  return (await 2) * x;",
      "}",
      "export namespace A {",
      "  export namespace B {",
      "    // @smartasync",
      "    export async function deep(x: number): Promise<number> {",
      "      return (await 3) * x;",
      "    }",
      "  }",
      "}",
      "export namespace X.Y {",
      "  // @smartasync",
      "  export async function find(x: number): Promise<number> {",
      "    return (await 5) * x;",
      "  }",
      "}",
      "export namespace Api {",
      "  export const get = load;",
      "}",
      "",
    ].join("\n"),
  };
  const main = (from: string) =>
    `import { A, Api, X } from "${from}";\nexport function main() {\n  return [A.B.deep(1), X.Y.find(2), Api.get(3)].join(",");\n}\n`;
  const dir = tree("build-manifest-ts-namespaces", {
    ...lib,
    "app/src/main.ts": main("lib"),
    "app/node_modules/lib/package.json": JSON.stringify({
      name: "lib",
      type: "module",
      exports: { ".": "./dist/index.js" },
      smartasync: { manifest: "./dist/smartasync.manifest.json" },
    }),
    "source/main.ts": main("../src/index.js"),
  });
  const r = cli(["build", "src", "--out-dir", "app/node_modules/lib/dist"], dir);
  expect(r.status, r.stderr).toBe(0);
  const calls = (out: string) =>
    (JSON.parse(out) as { calls: { loc: string; target: string; reason?: string }[] }[])
      .flatMap((f) => f.calls)
      .map((c) => `${c.loc.replace(/^.*?:/, "")} ${c.target}${c.reason ? ` ${c.reason}` : ""}`);
  const built = cli(["inspect", "src", "-f", "json"], join(dir, "app"));
  const source = cli(["inspect", "source", "-f", "json"], dir);
  expect(built.status, built.stderr).toBe(0);
  expect(source.status, source.stderr).toBe(0);
  expect(calls(source.stdout)).toEqual(["3:11 deepSync", "3:24 findSync", "3:37 callSync"]);
  expect(calls(built.stdout)).toEqual(calls(source.stdout));
});

it("the manifest holds a module's facts by the rule importers of its source read them by", () => {
  // One rule computes a module's facts for its own build and for importers of its source
  // (core/analysis/facts.ts, moduleFactsOf). The manifest once left out a module that exports a
  // namespace only, kept following a live binding the module reassigns, and let `export *` carry
  // a name the module exports itself.
  const lib = {
    "src/lib.js": `// @smartasync\nexport async function load(x) {\n  return x;\n}\n`,
    "src/ns.js": `export * as lib from "./lib.js";\n`,
    "src/live.js": `// @smartasync\nexport async function load(x) {\n  return x;\n}\nexport function stub() {\n  load = async () => 0;\n}\n`,
    "src/shadow.js": `export * from "./lib.js";\nexport const load = (x) => x;\n`,
  };
  const main = (at: (name: string) => string) =>
    `import { lib } from "${at("ns")}";\nimport { load as live } from "${at("live")}";\nimport { load as own } from "${at("shadow")}";\nexport function main() {\n  return [lib.load(1), live(2), own(3)].join(",");\n}\n`;
  const dir = tree("build-manifest-one-rule", {
    ...lib,
    "app/src/main.js": main((name) => `lib/${name}`),
    "app/node_modules/lib/package.json": JSON.stringify({
      name: "lib",
      type: "module",
      exports: { "./ns": "./dist/ns.js", "./live": "./dist/live.js", "./shadow": "./dist/shadow.js" },
      smartasync: { manifest: "./dist/smartasync.manifest.json" },
    }),
    "source/main.js": main((name) => `../src/${name}.js`),
  });
  const r = cli(["build", "src", "--out-dir", "app/node_modules/lib/dist"], dir);
  expect(r.status, r.stderr).toBe(0);
  const manifest = JSON.parse(
    readFileSync(join(dir, "app/node_modules/lib/dist/smartasync.manifest.json"), "utf8"),
  );
  // shadow.js exports its own plain `load`: nothing smartasync, so no entry.
  expect(Object.keys(manifest.files).sort()).toEqual(["lib.js", "live.js", "ns.js"]);
  expect(manifest.namespaces?.["ns.js"]).toEqual({
    lib: { load: expect.objectContaining({ variant: "loadSync" }) },
  });
  expect(manifest.files["live.js"].load.unfollowed).toMatch(/is assigned at line 6 of src\/live\.js/);
  const built = cli(["inspect", "src", "-f", "json"], join(dir, "app"));
  const source = cli(["inspect", "source", "-f", "json"], dir);
  expect(built.status, built.stderr).toBe(0);
  const calls = (out: string) =>
    (JSON.parse(out) as { calls: { loc: string; target: string; reason?: string }[] }[])
      .flatMap((f) => f.calls)
      .map((c) => `${c.loc.replace(/^.*?:/, "")} ${c.target}${c.reason ? ` ${c.reason}` : ""}`);
  expect(calls(built.stdout)).toEqual(["5:11 loadSync", "5:24 load SA206"]);
  expect(calls(built.stdout)).toEqual(calls(source.stdout));
});

it("a manifest never outlives what it describes: a build with nothing to say empties it, and a file changed since is not trusted (attack26 F04)", () => {
  const v1 = `// @smartasync\nexport async function load(x) {\n  return "v1:" + x;\n}\n`;
  // v2: \`load\` is a plain function now; the old hand-written \`loadSync\` is kept for old callers.
  const v2 = `export function load(x) {\n  return "v2:" + x;\n}\nexport function loadSync(x) {\n  return "WRONG: deprecated loadSync";\n}\n`;
  const dir = tree("build-manifest-stale", {
    "src/index.js": v1,
    "app/src/main.js": `import { load } from "lib";\nconsole.log("sync:", load(1));\n`,
    "app/node_modules/lib/package.json": JSON.stringify({
      name: "lib",
      type: "module",
      main: "./dist/index.js",
      smartasync: { manifest: "./dist/smartasync.manifest.json" },
    }),
  });
  const lib = join(dir, "app/node_modules/lib");
  // The built library and app import smartasync's runtime, as installed beside them.
  symlinkSync(ROOT, join(dir, "app/node_modules/smartasync"), "dir");
  const manifest = () => JSON.parse(readFileSync(join(lib, "dist/smartasync.manifest.json"), "utf8"));
  const buildLib = () => {
    const r = cli(["build", "src", "--out-dir", "app/node_modules/lib/dist"], dir, { SMARTASYNC_CACHE: "0" });
    expect(r.status, r.stderr).toBe(0);
  };
  /** Builds the app with each compiler and runs it: what it prints, and the build's warnings. */
  const app = () =>
    ["babel", "swc"].map((compiler) => {
      const b = cli(
        ["build", "src", "--out-dir", `out-${compiler}`, "--compiler", compiler],
        join(dir, "app"),
        {
          SMARTASYNC_CACHE: "0",
        },
      );
      expect(b.status, b.stderr).toBe(0);
      const run = node(`out-${compiler}/main.js`, join(dir, "app"));
      expect(run.stderr).toBe("");
      return { stdout: run.stdout, sa204: /SA204/.test(b.stdout + b.stderr) };
    });

  buildLib();
  expect(manifest().files).toEqual({
    "index.js": { load: expect.objectContaining({ variant: "loadSync" }) },
  });
  expect(app()).toEqual([
    { stdout: "sync: v1:1\n", sa204: false },
    { stdout: "sync: v1:1\n", sa204: false },
  ]);

  // The next build exports no smartasync function: the manifest it left is rewritten empty, so
  // importers call \`load\` itself (as the plain program does), not the deprecated \`loadSync\`.
  writeFileSync(join(dir, "src/index.js"), v2);
  buildLib();
  expect(manifest()).toEqual({ version: 1, files: {}, stamps: {} });
  expect(app()).toEqual([
    { stdout: "sync: v2:1\n", sa204: false },
    { stdout: "sync: v2:1\n", sa204: false },
  ]);

  // A manifest whose file changed after it was written (another tool's build into the same
  // out-dir, an edit by hand) is not taken for it: the call stays plain, with SA204 saying why.
  writeFileSync(join(dir, "src/index.js"), v1);
  buildLib();
  writeFileSync(join(lib, "dist/index.js"), v2);
  expect(app()).toEqual([
    { stdout: "sync: v2:1\n", sa204: true },
    { stdout: "sync: v2:1\n", sa204: true },
  ]);
  const check = cli(["check", "src"], join(dir, "app"), { SMARTASYNC_CACHE: "0" });
  expect(check.stdout).toContain(
    "written for another index.js than the one it holds now (the file changed after the manifest was written: build the package again with smartasync build)",
  );
  // Without a stamp (a manifest written by hand), the entry is taken at its word.
  const unstamped = manifest();
  delete unstamped.stamps;
  writeFileSync(join(lib, "dist/smartasync.manifest.json"), JSON.stringify(unstamped));
  const pkg = JSON.parse(readFileSync(join(lib, "package.json"), "utf8"));
  expect(factsFromManifest("lib", lib, ".", pkg).exports.get("load")).toMatchObject({ variant: "loadSync" });
});
