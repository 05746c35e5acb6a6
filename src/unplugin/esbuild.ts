/** `smartasync/esbuild`: the smartasync plugin for esbuild (docs/integrations.md). */
import { unplugin } from "./index.js";

export type { PluginOptions, Report } from "./index.js";

const smartasync: typeof unplugin.esbuild = unplugin.esbuild;
export default smartasync;
