/**
 * One source of options for a project (compile/options.ts): the package.json field or
 * `smartasync.config.json`, read by every host — the Babel plugin, smartasync/swc, the Vite
 * plugin, smartasync/register and the CLI under both compilers — so they all report (and emit)
 * the same thing. Real tools on a tiny project in .tmp/.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as babel from "@babel/core";
import { type RollupLog, rollup } from "rollup";
import { build as viteBuild } from "vite";
import { describe, expect, it } from "vitest";
import smartasyncBabel from "../../src/babel-plugin/index.js";
import { loadProjectOptions, resolveFileOptions } from "../../src/compile/options.js";
import { factsFromManifest } from "../../src/core/module-facts.js";
import type { Report } from "../../src/core/report.js";
import { transformSync as swcTransform } from "../../src/swc-plugin/index.js";
import rollupPlugin from "../../src/unplugin/rollup.js";
import vitePlugin from "../../src/unplugin/vite.js";
import { cli, ROOT, tree } from "../cli/helpers.js";

const LIB = `import { readFile } from "node:fs/promises";
// @smartasync
export async function load(p) {
  return JSON.parse(await readFile(p, "utf8"));
}
export function name(p) {
  return load(p).name;
}
`;
const RUN = `import { loadBlocking, name } from "./lib.js";\nconst p = new URL("../package.json", import.meta.url);\nconsole.log(loadBlocking(p).name, name(p));\n`;

/** What a report says, without the file path (each host names it from its own root). */
function decisions(r: Report): unknown {
  return { functions: r.functions, calls: r.calls, diagnostics: r.diagnostics };
}

function project(name: string, files: Record<string, string>): string {
  const dir = tree(`project-options/${name}`, { "src/lib.js": LIB, "src/run.js": RUN, ...files });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules/smartasync"), "dir");
  return dir;
}

async function everyHost(dir: string): Promise<Record<string, unknown>> {
  const file = join(dir, "src/lib.js");
  const out: Record<string, unknown> = {};
  const b = babel.transformSync(LIB, {
    filename: file,
    cwd: dir,
    babelrc: false,
    configFile: false,
    plugins: [smartasyncBabel],
  });
  out.babel = decisions((b!.metadata as unknown as { smartasync: Report }).smartasync);
  out.swc = decisions(swcTransform(LIB, { filename: file, cwd: dir, swcrc: false }).smartasync);
  const vite: Report[] = [];
  await viteBuild({
    root: dir,
    configFile: false,
    logLevel: "silent",
    plugins: [vitePlugin({ onReport: (r) => vite.push(r) })],
    build: { ssr: "src/run.js", outDir: "vite-out" },
  });
  out.vite = decisions(vite.find((r) => r.file.endsWith("lib.js"))!);
  for (const compiler of ["babel", "swc"]) {
    const r = cli(["inspect", "src/lib.js", "--format", "json", "--compiler", compiler], dir);
    expect(r.status, r.stderr).toBe(0);
    out[`cli ${compiler}`] = decisions((JSON.parse(r.stdout) as Report[])[0]!);
  }
  return out;
}

describe("the project's options, read by every host", () => {
  for (const [kind, files] of [
    [
      "the package.json field",
      {
        "package.json":
          '{ "name": "opts-app", "type": "module", "smartasync": { "syncSuffix": "Blocking" } }\n',
      },
    ],
    [
      "smartasync.config.json",
      {
        "package.json": '{ "name": "opts-app", "type": "module" }\n',
        "smartasync.config.json": '{ "syncSuffix": "Blocking" }\n',
      },
    ],
  ] as const) {
    it(`${kind}: Babel, smartasync/swc, Vite, register and the CLI report (and emit) the same`, async () => {
      const dir = project(kind.replace(/\W+/g, "-"), files);
      const reports = await everyHost(dir);
      const babelReport = reports.babel as { functions: { variants: { sync: string } }[] };
      expect(babelReport.functions[0]!.variants.sync).toBe("loadBlocking");
      for (const [host, r] of Object.entries(reports)) expect(r, host).toEqual(reports.babel);
      // register compiles run.js and lib.js as Node loads them: loadBlocking exists.
      const reg = spawnSync(
        process.execPath,
        ["--import", join(ROOT, "dist/register/index.js"), "src/run.js"],
        {
          cwd: dir,
          encoding: "utf8",
          timeout: 60_000,
          env: { ...process.env, SMARTASYNC_CACHE_DIR: join(dir, ".cache") },
        },
      );
      expect(`${reg.stdout}${reg.stderr}`).toBe("opts-app opts-app\n");
      // The Vite build emitted the variant under the same name.
      expect(readFileSync(join(dir, "vite-out/run.js"), "utf8")).toContain("loadBlocking");
    });
  }

  it("a host's own options go over the project's, key by key", () => {
    const dir = project("layers", {
      "package.json": '{ "name": "opts-app", "smartasync": { "syncSuffix": "Blocking", "strict": true } }\n',
    });
    const file = join(dir, "src/lib.js");
    expect(resolveFileOptions(file, { syncSuffix: "Now" }, "host")).toMatchObject({
      syncSuffix: "Now",
      strict: true,
    });
    const b = babel.transformSync(LIB, {
      filename: file,
      babelrc: false,
      configFile: false,
      plugins: [[smartasyncBabel, { syncSuffix: "Now" }]],
    });
    expect(b!.code).toContain("function loadNow(");
  });
});

describe("what a bundler plugin decides once per build", () => {
  it("keeps the runtime the project's file names out of the bundle (Rollup)", async () => {
    const dir = project("runtime", {
      "package.json": '{ "name": "opts-app", "type": "module", "smartasync": { "runtime": "my-runtime" } }\n',
    });
    const logs: RollupLog[] = [];
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const bundle = await rollup({
        input: join(dir, "src/lib.js"),
        external: [/^node:/],
        plugins: [rollupPlugin()],
        onLog: (_level, log) => {
          logs.push(log);
        },
      });
      const { output } = await bundle.generate({ format: "es" });
      await bundle.close();
      expect(output[0].code).toMatch(/from ["']my-runtime["']/);
    } finally {
      process.chdir(cwd);
    }
    // Kept external by the plugin, not left unresolved.
    expect(logs.filter((l) => l.code === "UNRESOLVED_IMPORT")).toEqual([]);
  });
});

describe("smartasync build with options and a manifest at once", () => {
  for (const compiler of ["babel", "swc"]) {
    it(`${compiler}: the options apply, the manifest is written where the field names it`, () => {
      const dir = project(`library-${compiler}`, {
        "package.json": JSON.stringify({
          name: "lib",
          type: "module",
          exports: { ".": "./dist/lib.js" },
          smartasync: { manifest: "./dist/smartasync.manifest.json", syncSuffix: "Blocking" },
        }),
      });
      const r = cli(["build", "src", "-o", "dist", "--compiler", compiler], dir);
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(join(dir, "dist/lib.js"), "utf8")).toContain("loadBlocking");
      const manifest = JSON.parse(readFileSync(join(dir, "dist/smartasync.manifest.json"), "utf8"));
      expect(manifest.files["lib.js"].load).toMatchObject({ variant: "loadBlocking" });
      // An importer reads the manifest through the field's `manifest` key.
      const facts = factsFromManifest(
        "lib",
        dir,
        ".",
        JSON.parse(readFileSync(join(dir, "package.json"), "utf8")),
      );
      expect(facts.exports.get("load")).toMatchObject({ variant: "loadBlocking", from: "lib" });
    });
  }
});

describe("the project file", () => {
  const thrown = (fn: () => unknown): Error & { code?: string } => {
    try {
      fn();
    } catch (e) {
      return e as Error & { code?: string };
    }
    throw new Error("did not throw");
  };

  it("package.json holds options and the manifest at once (the manifest is not an option)", () => {
    const dir = tree("project-options/both", {
      "package.json": JSON.stringify(
        { name: "lib", smartasync: { manifest: "./dist/smartasync.manifest.json", asyncSuffix: "Later" } },
        null,
        2,
      ),
    });
    const p = loadProjectOptions(join(dir, "src"));
    expect(p.file).toBe(join(dir, "package.json"));
    expect(p.given).toEqual({ asyncSuffix: "Later" });
  });

  it("the old string form is SA104 at its line and column, saying what to write instead", () => {
    const dir = tree("project-options/old-form", {
      "package.json":
        '{\n  "name": "lib",\n  "dependencies": { "smartasync": "^0.1.0" },\n  "smartasync": "./dist/smartasync.manifest.json"\n}\n',
    });
    const e = thrown(() => loadProjectOptions(dir));
    expect(e.code).toBe("SA104");
    expect(e.message).toBe(
      `SA104: ${join(dir, "package.json")}:4:3: the "smartasync" field is a string (the old form, which could not also hold options); a manifest now has its own key: "smartasync": { "manifest": "./dist/smartasync.manifest.json" }`,
    );
    // The CLI says it once per file, located, and fails.
    const c = cli(
      ["check", "."],
      tree("project-options/old-form-cli", {
        "package.json": '{ "smartasync": "./m.json" }\n',
        "a.js": "export const a = 1;\n",
      }),
    );
    expect(c.status).toBe(1);
    expect(c.stderr).toMatch(/a\.js: SA104: .*package\.json:1:3: the "smartasync" field is a string/);
  });

  it("a bad key is located in its file, with did-you-mean", () => {
    const dir = tree("project-options/bad-key", {
      "smartasync.config.json": '{\n  "syncSuffix": "Blocking",\n  "stirct": true\n}\n',
    });
    expect(thrown(() => loadProjectOptions(dir)).message).toMatch(
      new RegExp(
        `^SA104: ${join(dir, "smartasync.config.json")}:3:3: unknown option \`stirct\`; did you mean \`strict\`\\?`,
      ),
    );
  });

  it("options in both files of one folder are SA104; a manifest in the config file too", () => {
    const dir = tree("project-options/two", {
      "package.json": '{ "smartasync": { "strict": true } }\n',
      "smartasync.config.json": '{ "strict": false }\n',
    });
    expect(thrown(() => loadProjectOptions(dir)).message).toMatch(
      /both set smartasync options; keep them in one place/,
    );
    // A package.json field with only the manifest leaves the options to the config file.
    const ok = tree("project-options/two-ok", {
      "package.json": '{ "smartasync": { "manifest": "./m.json" } }\n',
      "smartasync.config.json": '{ "strict": true }\n',
    });
    expect(loadProjectOptions(ok).given).toEqual({ strict: true });
    const m = tree("project-options/config-manifest", {
      "smartasync.config.json": '{ "manifest": "./m.json" }\n',
    });
    expect(thrown(() => loadProjectOptions(m)).message).toMatch(/:1:3: `manifest` belongs in package.json/);
  });

  it("the nearest folder with either file decides; a relative root is from that folder", () => {
    const dir = tree("project-options/nearest", {
      "smartasync.config.json": '{ "strict": true, "root": "src" }\n',
      "src/a.js": "",
      "pkg/package.json": '{ "name": "inner" }\n',
    });
    expect(loadProjectOptions(join(dir, "src"))).toMatchObject({
      given: { strict: true, root: join(dir, "src") },
    });
    expect(loadProjectOptions(join(dir, "pkg")).given).toEqual({});
  });

  it("the walk is made once a synchronous run; an edit is seen from the next run on (a watch session)", async () => {
    const dir = tree("project-options/burst", {
      "package.json": '{ "smartasync": { "syncSuffix": "Blocking" } }\n',
      "lib/deep/a.js": "1;\n",
      "lib/b.js": "1;\n",
    });
    const file = join(dir, "lib/deep/a.js");
    expect(resolveFileOptions(file, undefined, "opts.smartasync").syncSuffix).toBe("Blocking");
    writeFileSync(join(dir, "package.json"), '{ "smartasync": { "syncSuffix": "Waits" } }\n');
    // Within the same run, this folder and those the walk passed keep the run's answer.
    expect(resolveFileOptions(file, undefined, "opts.smartasync").syncSuffix).toBe("Blocking");
    expect(resolveFileOptions(join(dir, "lib/b.js"), undefined, "opts.smartasync").syncSuffix).toBe(
      "Blocking",
    );
    // The run ends (a microtask runs): the edit is seen, by the same files and by smartasync/swc.
    await Promise.resolve();
    expect(resolveFileOptions(file, undefined, "opts.smartasync").syncSuffix).toBe("Waits");
    writeFileSync(join(dir, "package.json"), '{ "smartasync": { "syncSuffix": "Blocks" } }\n');
    await new Promise((done) => setImmediate(done));
    const out = swcTransform("// @smartasync\nexport async function f() {}\n", {
      filename: file,
      swcrc: false,
    });
    expect(out.code).toContain("fBlocks");
  });
});
