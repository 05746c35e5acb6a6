/** Small readers of the Markdown of README.md and docs/: headings' anchors, links, code blocks. */

/** GitHub's anchor for a heading: lower case, punctuation other than `-` and `_` dropped, spaces as `-`, repeats numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  let fence = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    if (fence) continue;
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1"); // a link's text
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  // Explicit anchors: `<a id="sa201"></a>` (a table row has no heading to link to).
  for (const m of markdown.matchAll(/<a id="([^"]+)"><\/a>/g)) out.add(m[1]!);
  return out;
}

/** The target of every `[text](target)` link outside code blocks (and outside code spans that hold no link). */
export function linksOf(markdown: string): string[] {
  const out: string[] = [];
  let fence = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    if (fence) continue;
    // A double-backtick span first: it may hold single backticks (``lib[`f`](x)``).
    const text = line
      .replace(/``.+?``/g, (code) => (code.includes("](") ? "" : code))
      .replace(/`[^`]*`/g, (code) => (code.includes("](") ? "" : code));
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push(m[1]!);
    const def = /^\s{0,3}\[[^\]]+\]:\s*(\S+)/.exec(line); // a reference definition, `[name]: target`
    if (def) out.push(def[1]!);
  }
  return out;
}

export interface CodeBlock {
  /** The info string after the opening fence (`js`, `sh`, or empty). */
  lang: string;
  /** The lines between the fences, each ending in a line break. */
  body: string;
  /** Where the opening fence starts in the page. */
  offset: number;
}

/** Every fenced code block (```), in page order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  const re = /^```([^\n`]*)\n([\s\S]*?)^```[ \t]*$/gm;
  for (const m of markdown.matchAll(re)) out.push({ lang: m[1]!.trim(), body: m[2]!, offset: m.index });
  return out;
}
