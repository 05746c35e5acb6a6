/**
 * The per-file transform, registered with smartasync's own runtime so that the CLI can offload it
 * to the runtime's worker pool (`offload(import.meta.url, "transformTask", [file, options])`).
 * A worker imports this module afresh: it has no top-level effects besides the registration.
 */
import { register } from "../runtime/index.js";
import { type TransformOptions, type TransformOutcome, transformFile } from "./transform-file.js";

export function transformTask(file: string, options: TransformOptions): Promise<TransformOutcome> {
  return transformFile(file, options);
}

export const TASK_URL = import.meta.url;

register(import.meta.url, { transformTask });
