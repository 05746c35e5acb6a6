/**
 * The conditions Node runs this program with besides its own (`node --conditions=development`,
 * `-C development`, the same in NODE_OPTIONS): `smartasync/register` gives them to smartasync as
 * its `resolve.conditions`, so an `"imports"` or self-reference `"exports"` branch under one is
 * followed as Node follows it, not SA204 (attack26 F05; docs/register.md).
 */
import type { DeclaredKind as Format } from "../core/package-type.js";
import type { HostResolve } from "../core/resolve.js";

/**
 * The values of Node's option `name` (and of its `short` form) in `args`, in order: `--name=v`
 * or `--name v`, an `_` in a long name read as `-` (Node's option parser does the same).
 */
export function flagValues(args: readonly string[], name: string, short?: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") break;
    const at = a.indexOf("=");
    const head = at < 0 ? a : a.slice(0, at);
    const flag = head.startsWith("--") ? head.replaceAll("_", "-") : head;
    if (flag !== name && (short === undefined || flag !== short)) continue;
    if (at >= 0) found.push(a.slice(at + 1));
    else if (i + 1 < args.length) found.push(args[++i]!);
  }
  return found;
}

/** Whether Node's boolean option `name` is on in `args` (`--name`, `--name_with_underscores`). */
export function flagSet(args: readonly string[], name: string): boolean {
  for (const a of args) {
    if (a === "--") return false;
    if (a.startsWith("--") && a.replaceAll("_", "-") === name) return true;
  }
  return false;
}

/** The values of `--conditions`/`-C` in `args`, in order. */
export function conditionsIn(args: readonly string[]): string[] {
  return flagValues(args, "--conditions", "-C").filter((c) => c !== "");
}

/**
 * NODE_OPTIONS split exactly as Node splits it (ParseNodeOptionsEnvVar in node's
 * src/node_options.cc): a space (only a space, not a tab) ends an argument outside double
 * quotes; a double quote anywhere in a word opens or closes a quoted part and is dropped, so
 * `--conditions="development"` and `--conditions=dev"elopment"` are both `development`
 * (attack34 F06); a backslash escapes the next character inside quotes only (outside it stays a
 * backslash). An argument starts at its first kept character, so `""` alone adds none. Text
 * Node refuses (an unterminated quote, a trailing backslash in one) makes Node exit before any
 * hook runs: what this returns for it is never used.
 */
export function nodeOptionsArgs(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  let quoted = false;
  let fresh = true;
  for (let i = 0; i < text.length; i++) {
    let c = text[i]!;
    if (c === "\\" && quoted) {
      if (i + 1 === text.length) break;
      c = text[++i]!;
    } else if (c === " " && !quoted) {
      fresh = true;
      continue;
    } else if (c === '"') {
      quoted = !quoted;
      continue;
    }
    if (fresh) out.push(c);
    else out[out.length - 1] += c;
    fresh = false;
  }
  return out;
}

/**
 * This process's Node options: NODE_OPTIONS, then the command line's (Node reads them in this
 * order, so of a flag given twice the command line's value is the later one).
 */
export function processNodeArgs(): string[] {
  return [...nodeOptionsArgs(process.env.NODE_OPTIONS), ...process.execArgv];
}

/**
 * `--experimental-default-type` of this process (Node 20 and 22; its last value counts), the
 * kind Node gives files of a package without `"type"` (core/package-type.ts, attack34 F10).
 */
export function processDefaultType(): Format | undefined {
  const v = flagValues(processNodeArgs(), "--experimental-default-type").at(-1);
  return v === "module" || v === "commonjs" ? v : undefined;
}

let kept: HostResolve | undefined;

/**
 * This process's conditions as a `resolve` option (read once: they do not change while it runs).
 * Node's own conditions that a flag turns off are listed where this process has them on: the
 * program runs on this very Node, so an `"imports"` branch under `module-sync` (on where Node can
 * `require()` an ES module and `--no-experimental-require-module` is not given) or `node-addons`
 * (register cannot run under `--no-addons`) is followed as Node follows it, not SA204.
 */
export function processResolve(): HostResolve | undefined {
  if (kept === undefined) {
    const own: string[] = [];
    if (!flagSet(processNodeArgs(), "--no-addons")) own.push("node-addons");
    if ((process.features as { require_module?: boolean }).require_module === true) own.push("module-sync");
    const conditions = [...new Set([...conditionsIn(processNodeArgs()), ...own])];
    kept = { alias: [], conditions };
  }
  return kept.conditions.length ? kept : undefined;
}
