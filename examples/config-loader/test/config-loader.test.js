// The library's own test suite, run on each build (Babel and SWC): every case runs against the
// async loader (`createLoader`, awaited) and the sync one (`createLoaderSync`), the same
// expectations for both.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createLoader, createLoaderSync, defaultLoaders } from "../src/index.js";

// root/
//   package.json ("demo" key)
//   app/.demorc.json   app/src/deep/          (search from deep finds app/.demorc.json)
//   js/demo.config.js  cjs/demo.config.cjs    mjs/demo.config.mjs
//   empty/.demorc (blank) under pkg/package.json with a "demo" key
//   yaml/.demorc.yaml (custom loader)   bad/.demorc.json (not JSON)
let root;
const file = (path, text) => {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), text);
};
before(() => {
  root = mkdtempSync(join(tmpdir(), "config-loader-"));
  file("package.json", JSON.stringify({ name: "x", demo: { from: "package.json" } }));
  file("app/.demorc.json", JSON.stringify({ from: "rc", level: 1 }));
  mkdirSync(join(root, "app/src/deep"), { recursive: true });
  file("js/demo.config.js", "module.exports = { from: 'js' };");
  file("js/package.json", JSON.stringify({ type: "commonjs" }));
  file("cjs/demo.config.cjs", "module.exports = { from: 'cjs' };");
  file("mjs/demo.config.mjs", "export default { from: 'mjs' };");
  file("pkg/package.json", JSON.stringify({ demo: { from: "pkg" } }));
  file("pkg/empty/.demorc", "  \n");
  file("yaml/.demorc.yaml", "from: yaml\nlevel: 2\n");
  file("bad/.demorc.json", "{ not json");
});
after(() => rmSync(root, { recursive: true, force: true }));

/** A tiny `key: value` format, for a custom loader. */
const loadYamlish = (_filepath, content) =>
  Object.fromEntries(
    content
      .trim()
      .split("\n")
      .map((line) => line.split(/:\s*/)),
  );

const makers = { async: createLoader, sync: createLoaderSync };

for (const [mode, make] of Object.entries(makers)) {
  describe(`${mode} loader`, () => {
    const options = () => ({ stopDir: root });

    test("has the methods the library documents", () => {
      const keys = Object.keys(make("demo", options())).sort();
      const documented = ["clearCaches", "clearLoadCache", "clearSearchCache", "load", "search"];
      // The async object also carries the generated variants (`l.searchSync`), defined not
      // enumerable, as on any object literal of annotated methods: both list the documented names.
      assert.deepEqual(keys, documented);
      if (mode === "async") assert.equal(typeof make("demo", options()).searchSync, "function");
    });

    test("search walks up to the nearest config", async () => {
      const l = make("demo", options());
      const r = await l.search(join(root, "app/src/deep"));
      assert.deepEqual(r, {
        filepath: join(root, "app/.demorc.json"),
        config: { from: "rc", level: 1 },
        isEmpty: false,
      });
    });

    test("package.json counts only with the package's key", async () => {
      const l = make("demo", options());
      assert.deepEqual((await l.search(root)).config, { from: "package.json" });
      assert.equal(await make("other", options()).search(join(root, "app")), null);
    });

    test("JavaScript configs: .js, .cjs and .mjs (an ES module through require)", async () => {
      const l = make("demo", options());
      assert.deepEqual((await l.search(join(root, "js"))).config, { from: "js" });
      assert.deepEqual((await l.search(join(root, "cjs"))).config, { from: "cjs" });
      assert.deepEqual((await l.search(join(root, "mjs"))).config, { from: "mjs" });
    });

    test("an empty search place is skipped (unless asked not to)", async () => {
      assert.deepEqual((await make("demo", options()).search(join(root, "pkg/empty"))).config, {
        from: "pkg",
      });
      const keep = make("demo", { ...options(), ignoreEmptySearchPlaces: false });
      assert.deepEqual(await keep.search(join(root, "pkg/empty")), {
        filepath: join(root, "pkg/empty/.demorc"),
        config: undefined,
        isEmpty: true,
      });
    });

    test("a custom loader per extension, with its search place", async () => {
      const l = make("demo", {
        ...options(),
        searchPlaces: [".demorc.yaml"],
        loaders: { ".yaml": loadYamlish },
      });
      assert.deepEqual((await l.search(join(root, "yaml"))).config, { from: "yaml", level: "2" });
      assert.deepEqual((await l.load(join(root, "yaml/.demorc.yaml"))).config, { from: "yaml", level: "2" });
    });

    test("load reads one file; errors name the file", async () => {
      const l = make("demo", options());
      assert.deepEqual((await l.load(join(root, "cjs/demo.config.cjs"))).config, { from: "cjs" });
      assert.deepEqual((await l.load(join(root, "pkg/package.json"))).config, { from: "pkg" });
      await assert.rejects(async () => l.load(join(root, "nope.json")), {
        code: "ENOENT",
        message: /no config file at/,
      });
      await assert.rejects(async () => l.load(join(root, "bad/.demorc.json")), {
        name: "SyntaxError",
        message: /JSON error in .*bad/,
      });
      await assert.rejects(async () => l.load(join(root, "yaml/.demorc.yaml")), {
        message: /no loader for files ending in \.yaml/,
      });
    });

    test("results are cached until clearCaches()", async () => {
      const l = make("demo", options());
      const path = join(root, "cjs/demo.config.cjs");
      const first = await l.load(path);
      file("cjs/demo.config.cjs", "module.exports = { from: 'edited' };");
      assert.equal(await l.load(path), first);
      const found = await l.search(join(root, "cjs"));
      l.clearCaches();
      assert.deepEqual((await l.load(path)).config, { from: "edited" });
      assert.notEqual(await l.search(join(root, "cjs")), found);
      file("cjs/demo.config.cjs", "module.exports = { from: 'cjs' };");
    });

    test("cache: false reads every time", async () => {
      const l = make("demo", { ...options(), cache: false });
      const path = join(root, "app/.demorc.json");
      assert.notEqual(await l.load(path), await l.load(path));
    });

    test("stopDir ends the walk", async () => {
      const l = make("demo", { stopDir: join(root, "app/src") });
      assert.equal(await l.search(join(root, "app/src/deep")), null);
    });
  });
}

test("the async loader may use async loaders", async () => {
  const l = createLoader("demo", {
    stopDir: root,
    searchPlaces: [".demorc.yaml"],
    loaders: { ".yaml": async (filepath, content) => loadYamlish(filepath, content) },
  });
  assert.deepEqual((await l.search(join(root, "yaml"))).config, { from: "yaml", level: "2" });
});

test("the sync loader refuses an async loader, located, instead of returning a promise as the config", () => {
  const l = createLoaderSync("demo", {
    stopDir: root,
    searchPlaces: [".demorc.yaml"],
    loaders: { ".yaml": async (filepath, content) => loadYamlish(filepath, content) },
  });
  assert.throws(
    () => l.search(join(root, "yaml")),
    (error) => {
      assert.equal(error.code, "SMARTASYNC_GUARD");
      assert.match(error.message, /parseFileSync/);
      assert.match(error.message, /src\/index\.js:\d+:\d+/);
      return true;
    },
  );
});

test("the async methods return promises, the sync ones values", async () => {
  const path = join(root, "app/.demorc.json");
  const pending = createLoader("demo").load(path);
  assert.ok(pending instanceof Promise);
  assert.deepEqual(createLoaderSync("demo").load(path), await pending);
});

test("the sync loader is a plain object of sync methods, under the async loader's names", () => {
  const sync = createLoaderSync("demo");
  assert.deepEqual(Object.keys(sync), [
    "search",
    "load",
    "clearSearchCache",
    "clearLoadCache",
    "clearCaches",
  ]);
  assert.equal(sync.search.constructor.name, "Function");
  assert.equal(createLoader("demo").search.constructor.name, "AsyncFunction");
});

test("the default loaders are exported for reuse", () => {
  assert.deepEqual(Object.keys(defaultLoaders), [".json", ".js", ".cjs", ".mjs", "noExt"]);
});
