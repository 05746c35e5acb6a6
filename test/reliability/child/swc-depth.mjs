// Compiles one deeply nested program through `smartasync/swc` (the built package, by
// self-reference) or plain `@swc/core`, in its own process: @swc/core's parser overflows the
// native stack on deep enough input and takes the whole process down (SIGSEGV), which must not
// take vitest with it. Prints one JSON line: { ok, code?, message?, target? }.
// Usage: node swc-depth.mjs <shape> <depth> <plugin|plain>
import swc from "@swc/core";
import * as sa from "smartasync/swc";

const head = "// @smartasync\nasync function f() { return 1 }\nexport function m(c, g) {\n  return ";
const shapes = {
  parens: (n) => "(".repeat(n) + "f()" + ")".repeat(n),
  calls: (n) => "g(".repeat(n) + "f()" + ")".repeat(n),
  ternaries: (n) => "c ? ".repeat(n) + "f()" + " : 0".repeat(n),
  binary: (n) => "1 + ".repeat(n) + "f()",
  iifes: (n) => "(() => ".repeat(n) + "f()" + ")()".repeat(n),
};
const [shape, depth, mode] = process.argv.slice(2);
const src = `${head}${shapes[shape](Number(depth))};\n}\n`;
const opts = {
  filename: new URL("./depth-input.mjs", import.meta.url).pathname,
  swcrc: false,
  configFile: false,
  isModule: true,
  jsc: { parser: { syntax: "ecmascript" }, target: "esnext" },
};
try {
  const r =
    mode === "plain" ? swc.transformSync(src, opts) : sa.transformSync(src, { ...opts, smartasync: {} });
  console.log(JSON.stringify({ ok: true, target: r.smartasync?.calls[0]?.target }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, code: e.code, message: String(e.message).split("\n")[0] }));
}
