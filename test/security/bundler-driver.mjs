// Builds one small project with a real bundler and the built plugin (dist/), in a process of its
// own, and prints as JSON what the plugin handed the tool: the errors and warnings, each as the
// tool's own channel carries it (Rollup's and Vite's log objects, webpack's compilation errors
// and warnings, esbuild's messages). Used by test/security/bundler-*.test.ts:
//   node bundler-driver.mjs <tool> <project dir> <entry> '<plugin options as JSON>'
// The process must end by itself: a worker left running would keep it alive (the test's limit).
import { isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";

const [tool, dir, entry, json] = process.argv.slice(2);
const options = JSON.parse(json ?? "{}");
const dist = join(import.meta.dirname, "..", "..", "dist", "unplugin");
const plugin = (await import(pathToFileURL(join(dist, `${tool}.js`)).href)).default(options);
const errors = [];
const warnings = [];
// What a message carries as text: the fields a tool prints (`id` is the tool's own key for the module).
const text = (m) =>
  typeof m === "string"
    ? { message: m }
    : Object.fromEntries(
        ["message", "frame", "text", "details", "code", "pluginCode", "id"]
          .filter((k) => typeof m?.[k] === "string")
          .map((k) => [k, m[k]]),
      );
const started = Date.now();
// Packages (bare specifiers) stay imports of the output, as the runtime does: none is installed.
const bare = (id) => !id.startsWith(".") && !isAbsolute(id);

try {
  if (tool === "rollup") {
    const { rollup } = await import("rollup");
    const bundle = await rollup({
      input: join(dir, entry),
      external: bare,
      plugins: [plugin],
      onLog: (level, log) => {
        if (level === "warn") warnings.push(text(log));
      },
    });
    await bundle.write({ dir: join(dir, "dist-rollup"), format: "es" });
    await bundle.close();
  } else if (tool === "vite") {
    const { build } = await import("vite");
    await build({
      root: dir,
      configFile: false,
      logLevel: "warn",
      customLogger: {
        info() {},
        warn: (m) => warnings.push(text(m)),
        warnOnce: (m) => warnings.push(text(m)),
        error() {},
        clearScreen() {},
        hasErrorLogged: () => false,
        hasWarned: false,
      },
      plugins: [plugin],
      build: { ssr: entry, outDir: "dist-vite", minify: false, rollupOptions: { external: bare } },
    });
  } else if (tool === "webpack") {
    const webpack = (await import("webpack")).default;
    const stats = await new Promise((resolve, reject) =>
      webpack(
        {
          mode: "none",
          target: "node",
          devtool: false,
          context: dir,
          entry: `./${entry}`,
          output: { path: join(dir, "dist-webpack") },
          externals: [({ request }, done) => (bare(request) ? done(null, `commonjs ${request}`) : done())],
          plugins: [plugin],
        },
        (err, s) => (err ? reject(err) : resolve(s)),
      ),
    );
    for (const w of stats.compilation.warnings) warnings.push(text(w));
    for (const e of stats.compilation.errors) errors.push(text(e));
  } else if (tool === "esbuild") {
    const esbuild = await import("esbuild");
    const r = await esbuild.build({
      absWorkingDir: dir,
      entryPoints: [entry],
      bundle: true,
      platform: "node",
      format: "esm",
      outdir: join(dir, "dist-esbuild"),
      packages: "external",
      logLevel: "silent",
      write: false,
      plugins: [plugin],
    });
    for (const w of r.warnings) warnings.push(text(w));
  } else throw new Error(`unknown tool ${tool}`);
} catch (e) {
  // A failed build: Rollup and Vite throw the plugin's error; esbuild lists its messages.
  if (Array.isArray(e?.errors) && e.errors.length) for (const m of e.errors) errors.push(text(m));
  else errors.push(text(e));
  if (Array.isArray(e?.warnings)) for (const w of e.warnings) warnings.push(text(w));
}
process.stdout.write(`${JSON.stringify({ errors, warnings, ms: Date.now() - started })}\n`);
