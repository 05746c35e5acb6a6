import smartasync from "smartasync/rollup";

export default {
  input: "src/main.js",
  output: { dir: "dist", format: "es", sourcemap: true },
  external: [/^node:/],
  plugins: [smartasync()],
};
