/**
 * The conditions Node runs this program with besides its own (`node --conditions=development`,
 * `-C development`, the same in NODE_OPTIONS): `smartasync/register` gives them to smartasync as
 * its `resolve.conditions`, so an `"imports"` or self-reference `"exports"` branch under one is
 * followed as Node follows it, not SA204 (attack26 F05; docs/register.md).
 */
import type { HostResolve } from "../core/resolve.js";

/** The values of `--conditions`/`-C` in `args`, in order. */
export function conditionsIn(args: readonly string[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") break;
    const eq = /^(?:--conditions|-C)=(.*)$/s.exec(a);
    if (eq) found.push(eq[1]!);
    else if ((a === "--conditions" || a === "-C") && i + 1 < args.length) found.push(args[++i]!);
  }
  return found.filter((c) => c !== "");
}

/** NODE_OPTIONS split as Node splits it: on white space, a double-quoted part kept whole. */
export function nodeOptionsArgs(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const m of text.matchAll(/(?:"((?:\\.|[^"\\])*)"|(\S+))/g))
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2]!);
  return out;
}

let kept: HostResolve | undefined;

/** This process's conditions as a `resolve` option (read once: they do not change while it runs). */
export function processResolve(): HostResolve | undefined {
  if (kept === undefined) {
    const conditions = [
      ...new Set([
        ...conditionsIn(process.execArgv),
        ...conditionsIn(nodeOptionsArgs(process.env.NODE_OPTIONS)),
      ]),
    ];
    kept = { alias: [], conditions };
  }
  return kept.conditions.length ? kept : undefined;
}
