/** `smartasync/rollup`: the smartasync plugin for Rollup (docs/integrations.md). */
import { unplugin } from "./index.js";

export type { PluginOptions, Report } from "./index.js";

const smartasync: typeof unplugin.rollup = unplugin.rollup;
export default smartasync;
