import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { factsFromManifest } from "../../src/core/module-facts.js";
import { cli, tree } from "./helpers.js";

it("smartasync build writes the package manifest, and importers read it through package.json exports", () => {
  const dir = tree("build-manifest", {
    "src/index.js": `export { greet } from "./greet.js";\nexport * from "./count.js";\n`,
    "src/greet.js": `// @smartasync\nexport async function greet(name) {\n  return \`hi \${await Promise.resolve(name)}\`;\n}\n`,
    "src/count.js": `// @smartasync\nexport function count(s) {\n  return s.length;\n}\nexport class Box {\n  // @smartasync\n  async get() {\n    return 1;\n  }\n}\n`,
    "src/plain.js": "export const x = 1;\n",
  });
  const r = cli(["build", "src", "--out-dir", "dist"], dir);
  expect(r.status, r.stderr).toBe(0);
  const manifest = JSON.parse(readFileSync(join(dir, "dist/smartasync.manifest.json"), "utf8"));
  expect(manifest).toEqual({
    version: 1,
    files: {
      "count.js": { count: { name: "count", kind: "sync", variant: "countAsync", asyncStrategy: "offload" } },
      "greet.js": { greet: { name: "greet", kind: "async", variant: "greetSync", syncStrategy: "worker" } },
      "index.js": {
        greet: { name: "greet", kind: "async", variant: "greetSync", syncStrategy: "worker" },
        count: { name: "count", kind: "sync", variant: "countAsync", asyncStrategy: "offload" },
      },
    },
    methods: { get: ["async"] },
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
  });
  expect(root.methods.get("get")).toEqual(new Set(["async"]));
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
    `import { api, handlers, list } from "${from}";\nexport function main() {\n  return [handlers[0](1), api.viaKey(2), list[1](3), api.plain(4)];\n}\n`;
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
