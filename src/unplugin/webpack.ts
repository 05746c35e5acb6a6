/** `smartasync/webpack`: the smartasync plugin for webpack 5 (docs/integrations.md). */
import { unplugin } from "./index.js";

export type { PluginOptions, Report } from "./index.js";

const smartasync: typeof unplugin.webpack = unplugin.webpack;
export default smartasync;
