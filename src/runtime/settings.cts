/**
 * The options of `configure()` and how they are checked: one rule for the Node runtime (index.cts)
 * and the browser runtime (browser.ts), which check the same keys the same way.
 */

export interface SmartAsyncOptions {
  /** Limit for a blocking call (runSync), in ms. Default 30000. */
  syncTimeoutMs?: number;
  /** Limit for an offloaded call, in ms. Default 60000. */
  offloadTimeoutMs?: number;
  /** Pool size for offload. Default os.availableParallelism(). */
  poolSize?: number;
  /** Idle pool workers are terminated after this many ms. Default 1000. */
  idleTimeoutMs?: number;
  /** When this thread cannot block: "throw" (default) or "promise". */
  onCannotBlock?: "throw" | "promise";
  /** Maximum depth of workers started from workers. Default 4. */
  maxNesting?: number;
}

/** The options in effect (every key set). */
export interface Config {
  syncTimeoutMs: number;
  offloadTimeoutMs: number;
  poolSize: number | undefined;
  idleTimeoutMs: number;
  onCannotBlock: "throw" | "promise";
  maxNesting: number;
}

export const DEFAULT_CONFIG: Config = {
  syncTimeoutMs: 30_000,
  offloadTimeoutMs: 60_000,
  poolSize: undefined,
  idleTimeoutMs: 1_000,
  onCannotBlock: "throw",
  maxNesting: 4,
};

const KEYS = [
  "syncTimeoutMs",
  "offloadTimeoutMs",
  "poolSize",
  "idleTimeoutMs",
  "onCannotBlock",
  "maxNesting",
];

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function suggest(key: string): string {
  let best = "";
  let dist = Number.POSITIVE_INFINITY;
  for (const k of KEYS) {
    const d = levenshtein(key.toLowerCase(), k.toLowerCase());
    if (d < dist) [best, dist] = [k, d];
  }
  return dist <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean "${best}"?)` : "";
}

function checkMs(key: string, v: unknown, min0: boolean): number {
  if (typeof v !== "number" || Number.isNaN(v)) {
    throw new TypeError(
      `smartasync: configure({ ${key} }) must be a number of milliseconds, got ${typeof v}`,
    );
  }
  if (!Number.isFinite(v)) {
    throw new TypeError(
      `smartasync: configure({ ${key} }) must be finite, got ${v}: an unbounded wait could hang the ` +
        `process; give a large finite number of milliseconds instead`,
    );
  }
  if (min0 ? v < 0 : v <= 0) {
    throw new TypeError(`smartasync: configure({ ${key} }) must be ${min0 ? ">= 0" : "> 0"} ms, got ${v}`);
  }
  return v;
}

function checkInt(key: string, v: unknown, min: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new TypeError(`smartasync: configure({ ${key} }) must be an integer >= ${min}, got ${String(v)}`);
  }
  return v;
}

/** `current` with `opts` applied, every value checked; throws a TypeError naming the key otherwise. */
export function nextConfig(current: Config, opts: SmartAsyncOptions): Config {
  if (opts === null || typeof opts !== "object")
    throw new TypeError("smartasync: configure() expects an object");
  const next = { ...current };
  for (const [key, v] of Object.entries(opts)) {
    if (v === undefined && KEYS.includes(key)) continue;
    switch (key) {
      case "syncTimeoutMs":
      case "offloadTimeoutMs":
        next[key] = checkMs(key, v, false);
        break;
      case "idleTimeoutMs":
        next[key] = checkMs(key, v, true);
        break;
      case "poolSize":
        next.poolSize = checkInt(key, v, 1);
        break;
      case "maxNesting":
        next.maxNesting = checkInt(key, v, 0);
        break;
      case "onCannotBlock":
        if (v !== "throw" && v !== "promise") {
          throw new TypeError(
            `smartasync: configure({ onCannotBlock }) must be "throw" or "promise", got ${JSON.stringify(v)}`,
          );
        }
        next.onCannotBlock = v;
        break;
      default:
        throw new TypeError(
          `smartasync: configure() got an unknown option "${key}"${suggest(key)}; known options: ${KEYS.join(", ")}`,
        );
    }
  }
  return next;
}
