import { fileURLToPath } from "node:url";
import smartasync from "smartasync/webpack";

export default {
  target: "node",
  mode: "production",
  entry: "./src/main.js",
  output: {
    path: fileURLToPath(new URL("dist", import.meta.url)),
    filename: "main.cjs",
  },
  devtool: "source-map",
  plugins: [smartasync()],
};
