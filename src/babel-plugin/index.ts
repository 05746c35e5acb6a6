import type { PluginAPI, PluginObject, PluginPass } from "@babel/core";
import { validateOptions } from "../core/options.js";
import type { Report } from "../core/report.js";
import { transformProgram } from "./transform.js";

export type { Options } from "../core/options.js";
export type { Report } from "../core/report.js";

/**
 * `smartasync/babel`: gives every `@smartasync` function both colours and rewrites each call
 * to the variant its context needs. The report lands at `result.metadata.smartasync`.
 */
export default function smartasync(api: PluginAPI, rawOptions: unknown): PluginObject<PluginPass> {
  api.assertVersion("^7.22.0 || ^8.0.0");
  // Options are validated once, before any file is traversed (SA104 with "did you mean").
  const options = validateOptions(rawOptions);
  return {
    name: "smartasync",
    visitor: {
      Program(path, state) {
        const report: Report = transformProgram(api.types, path, state.file, options);
        (state.file.metadata as unknown as { smartasync: Report }).smartasync = report;
      },
    },
  };
}
