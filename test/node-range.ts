/**
 * Just enough of npm's version ranges to compare `engines.node` fields: `>=`, `>`, `<`, `<=`,
 * `=`, `^`, `~`, bare and partial versions (`20`, `20.x`, `*`), space-joined comparators and
 * `||`. A range becomes a list of half-open intervals of versions; anything else (prereleases,
 * hyphen ranges) throws, so a dependency that starts using it makes the test say so rather than
 * pass by accident.
 */

type Interval = [lo: number, hi: number];

const key = (major: number, minor: number, patch: number): number => major * 1e6 + minor * 1e3 + patch;

interface Partial {
  parts: number[]; // 0 to 3 numbers; fewer means the rest are wildcards
}

function parseVersion(text: string): Partial {
  const t = text.replace(/^v/, "");
  if (t === "" || t === "*" || t === "x" || t === "X") return { parts: [] };
  const m = /^(\d+)(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?$/.exec(t);
  if (!m) throw new Error(`unsupported version in a range: ${JSON.stringify(text)}`);
  const parts: number[] = [];
  for (const p of [m[1], m[2], m[3]]) {
    if (p === undefined || /^[xX*]$/.test(p)) break;
    parts.push(Number(p));
  }
  return { parts };
}

/** The first version the partial version stands for, and the first one past it. */
function span(v: Partial): Interval {
  const [a = 0, b = 0, c = 0] = v.parts;
  switch (v.parts.length) {
    case 0:
      return [0, Infinity];
    case 1:
      return [key(a, 0, 0), key(a + 1, 0, 0)];
    case 2:
      return [key(a, b, 0), key(a, b + 1, 0)];
    default:
      return [key(a, b, c), key(a, b, c + 1)];
  }
}

function comparator(text: string): Interval {
  const m = /^(>=|<=|>|<|=|\^|~)?\s*(.*)$/.exec(text)!;
  const op = m[1] ?? "=";
  const v = parseVersion(m[2]!);
  const [lo, hi] = span(v);
  const [a = 0, b = 0, c = 0] = v.parts;
  switch (op) {
    case ">=":
      return [lo, Infinity];
    case ">":
      return [hi, Infinity];
    case "<":
      return [0, lo];
    case "<=":
      return [0, hi];
    case "=":
      return [lo, hi];
    case "^":
      if (v.parts.length === 0) return [0, Infinity];
      if (a > 0 || v.parts.length === 1) return [lo, key(a + 1, 0, 0)];
      if (b > 0 || v.parts.length === 2) return [lo, key(0, b + 1, 0)];
      return [lo, key(0, 0, c + 1)];
    default: // "~"
      if (v.parts.length <= 1) return [lo, hi];
      return [lo, key(a, b + 1, 0)];
  }
}

/** The versions `range` accepts, as sorted, merged, non-empty half-open intervals. */
export function intervals(range: string): Interval[] {
  const out: Interval[] = [];
  for (const set of range.split("||")) {
    const words = set
      .trim()
      .replace(/(>=|<=|>|<|=|\^|~)\s+/g, "$1")
      .split(/\s+/)
      .filter(Boolean);
    if (words.includes("-")) throw new Error(`hyphen ranges are not supported: ${JSON.stringify(range)}`);
    let lo = 0;
    let hi = Infinity;
    for (const w of words.length ? words : ["*"]) {
      const [l, h] = comparator(w);
      lo = Math.max(lo, l);
      hi = Math.min(hi, h);
    }
    if (lo < hi) out.push([lo, hi]);
  }
  out.sort((x, y) => x[0] - y[0]);
  const merged: Interval[] = [];
  for (const iv of out) {
    const last = merged[merged.length - 1];
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else merged.push([...iv]);
  }
  return merged;
}

/** Whether every version `inner` accepts is accepted by `outer`. */
export function isSubset(inner: string, outer: string): boolean {
  const out = intervals(outer);
  return intervals(inner).every(([lo, hi]) => out.some(([l, h]) => l <= lo && hi <= h));
}
