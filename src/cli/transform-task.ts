/**
 * The per-file transform, registered with smartasync's own runtime so that the CLI can offload it
 * to the runtime's worker pool (`offload(import.meta.url, "transformTask", [file, options, diff])`).
 * With `diff` (`inspect --diff`) the file is diffed in the same task, inside its budget.
 * A worker imports this module afresh: it has no top-level effects besides the registration.
 */
import { register } from "../runtime/index.js";
import { type DiffedOutcome, transformAndDiff } from "./diff.js";
import type { TransformOptions } from "./transform-file.js";
import { type OutputPlan, writeBuilt } from "./write-built.js";

/**
 * With `plan` (`build`), the compiled file is written here (write-built.ts) and only its report
 * goes back.
 */
export async function transformTask(
  file: string,
  options: TransformOptions,
  diff = false,
  plan?: OutputPlan,
): Promise<DiffedOutcome> {
  const r = await transformAndDiff(file, options, diff);
  return plan ? writeBuilt(r, plan) : r;
}

export const TASK_URL = import.meta.url;

register(import.meta.url, { transformTask });
