// `node build.mjs`: what `npx webpack` does with webpack.config.mjs (webpack-cli is not a
// dependency of this repository, so the example calls webpack's Node API with the same config).
import { fileURLToPath } from "node:url";
import webpack from "webpack";
import config from "./webpack.config.mjs";

process.chdir(fileURLToPath(new URL(".", import.meta.url)));
webpack(config, (err, stats) => {
  if (err) throw err;
  console.log(stats.toString({ colors: false, modules: false }));
  if (stats.hasErrors()) process.exitCode = 1;
});
