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
