import * as esbuild from "esbuild";
import smartasync from "smartasync/esbuild";

await esbuild.build({
  entryPoints: ["src/main.ts"],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile: "dist/main.mjs",
  sourcemap: true,
  plugins: [smartasync()],
});
