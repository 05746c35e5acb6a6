/** `smartasync/vite`: the smartasync plugin for Vite (docs/integrations.md). */
import { unplugin } from "./index.js";

export type { PluginOptions, Report } from "./index.js";

const smartasync: typeof unplugin.vite = unplugin.vite;
export default smartasync;
