/**
 * One file's time budget (SECURITY.md, "How long one file may take"), shared by the CLI
 * (`--file-timeout`, cli/run-files.ts) and the build-tool plugins (`fileTimeout`, unplugin).
 *
 * A compile is synchronous: nothing in its own thread can stop it. So a file with a budget is
 * compiled in a worker of smartasync's own runtime pool (`offload`), the task given its own time
 * limit; a task past it has its worker terminated by the pool, and the caller gets `OverBudget`
 * for that file while the other files go on. The limit is the task's own (offload's internal
 * argument): the runtime's `offloadTimeoutMs` belongs to whatever program shares the process (a
 * bundler's configuration, a dev server running SSR code) and is left alone.
 */
/** The default budget of one file: far above any real file (the slowest fixture compiles in < 1 s). */
export const DEFAULT_FILE_TIMEOUT_MS = 60_000;

/** The code every host gives a file that ran past its budget (the CLI's failure code, docs/cli.md). */
export const TIMEOUT_CODE = "timeout-error";

/** A file ran past its budget: its worker was terminated. */
export class OverBudget extends Error {
  readonly code = TIMEOUT_CODE;
  constructor(readonly ms: number) {
    super(`took longer than ${seconds(ms)} to compile (the per-file budget)`);
    this.name = "OverBudget";
  }
}

/** `2 s`, `1.5 s`, `250 ms`: how a budget is named in messages. */
export function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(3))} s`;
}

// offload's 4th argument is internal (runtime/index.cts): not in its public type. The runtime is
// loaded on first use: a host with no budget never starts it.
type OffloadWithin = (url: string, name: string, args: unknown[], limitMs: number) => Promise<unknown>;
let offloadWithin: OffloadWithin | undefined;

/**
 * Runs the registered task `name` of `url` (a module that registers it with the runtime) in a
 * pool worker, within `ms`. Rejects with `OverBudget` past it; any other rejection is the
 * worker's or the crossing's (a crash, an argument that cannot be cloned), not the task's: a
 * task reports its own failures in its value, so a caller can tell them apart and compile
 * the file in its own thread instead.
 */
export async function withinBudget<T>(url: string, name: string, args: unknown[], ms: number): Promise<T> {
  offloadWithin ??= (await import("../runtime/index.js")).offload as OffloadWithin;
  try {
    return (await offloadWithin(url, name, args, ms)) as T;
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code === "SMARTASYNC_TIMEOUT") throw new OverBudget(ms);
    throw e;
  }
}

/**
 * At most `limit` tasks in flight, the others wait in order (not timed: a budget starts when a
 * worker takes the file). The plugins compile one file at a time, as they did in the
 * bundler's thread: one warm worker, whose caches (the imported modules' facts) serve every
 * file, instead of a cold one per core.
 */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((go) => this.waiting.push(go));
    else this.running++;
    try {
      return await fn();
    } finally {
      // Hand the slot to the next in line, or give it back.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
