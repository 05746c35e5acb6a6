/** Options and helpers shared by the commands. */
import { resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { loadProjectOptions } from "../compile/options.js";
import { colourEnabled, painter } from "./colour.js";
import { EXIT_FINDINGS } from "./errors.js";
import { escapeControls, oneLine } from "./escape.js";
import { pickCompiler } from "./pick-compiler.js";
import type { TransformFailure } from "./transform-file.js";

export interface CommonOptions {
  /** `--compiler`; after `checkCompiler`, the compiler picked for the project. */
  compiler: "babel" | "swc";
  /** `--conditions a,b`: the conditions the program runs with (docs/cli.md). */
  conditions?: string[];
  /** `--verbose`: say on stderr which compiler was picked and why, and where the options come from. */
  verbose?: boolean;
  jobs?: number;
  cwd?: string;
  /** Seconds one file may take to compile (0: no budget). */
  fileTimeout?: number;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError("must be a number of seconds >= 0");
  return n;
}

function parseConditions(value: string, previous: string[] | undefined): string[] {
  const list = value
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "");
  if (list.length === 0)
    throw new InvalidArgumentError("must name at least one condition, e.g. development,browser");
  return [...new Set([...(previous ?? []), ...list])];
}

function parseJobs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a whole number >= 1");
  return n;
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        "--compiler <name>",
        "compiler to run smartasync in: babel (@babel/core, the project's Babel config) or swc (@swc/core through smartasync/swc, the project's .swcrc); default: the one the project uses (a Babel config → babel; @swc/core listed without @babel/core, or a .swcrc → swc; see --verbose)",
      ).choices(["babel", "swc"]),
    )
    .option(
      "-v, --verbose",
      "say on stderr which compiler was picked and why, and where smartasync's options come from",
    )
    .addOption(
      new Option(
        "-j, --jobs <n>",
        "files compiled in parallel: 1 (the default) compiles them one after another; N > 1 runs N worker threads, each compiling a contiguous part of the tree (this process writes the outputs)",
      ).argParser(parseJobs),
    )
    .addOption(
      new Option(
        "--file-timeout <seconds>",
        "time budget of one file: a file that takes longer is stopped and reported (timeout-error) while the others go on; files then compile in a worker (0: no budget, compiled in this thread)",
      ).argParser(parseSeconds),
    )
    .addOption(
      new Option(
        "--conditions <list>",
        'conditions the program runs with besides Node\'s own (as `node --conditions`, or your bundler\'s), comma-separated: a package.json "imports" or self-reference "exports" branch under one is followed instead of SA204 (smartasync\'s `resolve.conditions` option)',
      ).argParser(parseConditions),
    )
    .option(
      "--cwd <dir>",
      "project directory: where the Babel config (or .swcrc) is looked up and what report paths are relative to (default: the current directory)",
    );
}

/**
 * Picks the compiler (`--compiler`, else the one the project uses: pick-compiler.ts) and makes
 * sure it loads before any file is read: both are optional peer dependencies, and a missing one
 * stops the command with one line naming the package to install (a usage error, exit 2), not
 * one failure per file. Sets `opts.compiler`; with `--verbose`, says what and why on stderr.
 */
export async function checkCompiler(opts: CommonOptions): Promise<void> {
  const dir = projectDir(opts);
  const pick = await pickCompiler(dir, opts.compiler as CommonOptions["compiler"] | undefined);
  opts.compiler = pick.compiler;
  if (!opts.verbose) return;
  const say = (line: string) => process.stderr.write(`smartasync: ${oneLine(line)}\n`);
  say(`compiler: ${pick.compiler} (${pick.why === "--compiler" ? "--compiler" : `picked: ${pick.why}`})`);
  let options: string;
  try {
    const p = loadProjectOptions(dir);
    options = p.file
      ? `${p.where}, for files under ${dir} (a closer options file wins for the files under it)`
      : "none found from the project directory (the defaults)";
  } catch (e) {
    options = `cannot be read: ${(e as Error).message}`;
  }
  say(`options: ${options}`);
}

export function projectDir(opts: CommonOptions): string {
  return resolve(process.cwd(), opts.cwd ?? ".");
}

export const stdoutPaint = () => painter(colourEnabled(process.stdout));
export const stderrPaint = () => painter(colourEnabled(process.stderr));

/**
 * `smartasync: src/app.js: SA301: ...` with the code frame, once, on stderr. The path is one
 * line; the message keeps its line breaks (the frame), every other control character escaped,
 * colour codes only where the compiler coloured the frame itself (escape.ts).
 */
export function printFailure(f: TransformFailure): void {
  const colour = colourEnabled(process.stderr);
  const paint = painter(colour);
  const detail = escapeControls(f.detail, { newlines: true, colours: colour && f.highlighted === true });
  process.stderr.write(`${paint("red", "smartasync")}: ${oneLine(f.path)}: ${detail}\n`);
}

export function exitWith(code: number): void {
  if (code > ((process.exitCode as number | undefined) ?? 0)) process.exitCode = code;
}

export { EXIT_FINDINGS };
