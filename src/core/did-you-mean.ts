/** Levenshtein distance, small and allocation-light; used for "did you mean" in options. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The closest candidate within a distance that still looks like a typo, or undefined. */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(input.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/**
 * The SA104 text for a key no schema knows, with "did you mean" when one is close. One wording
 * for smartasync's options and every integration's (`where` prefixes nested keys: `swc.`).
 */
export function unknownOption(key: string, known: readonly string[], where = ""): string {
  const hint = didYouMean(key, known);
  const suggestion = hint ? `; did you mean \`${where}${hint}\`?` : ".";
  return `unknown option \`${where}${key}\`${suggestion} Known options: ${known.map((k) => where + k).join(", ")}.`;
}
