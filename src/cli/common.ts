/** Options and helpers shared by the commands. */
import { resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { colourEnabled, painter } from "./colour.js";
import { EXIT_FINDINGS, UsageError } from "./errors.js";
import { escapeControls, oneLine } from "./escape.js";
import { loadSwc } from "./swc-loader.js";
import type { TransformFailure } from "./transform-file.js";

export interface CommonOptions {
  compiler: "babel" | "swc";
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
        "compiler to run smartasync in: babel (@babel/core, the project's Babel config) or swc (@swc/core through smartasync/swc, the project's .swcrc)",
      )
        .choices(["babel", "swc"])
        .default("babel"),
    )
    .addOption(
      new Option(
        "-j, --jobs <n>",
        "files compiled in parallel: 1 compiles them one after another in this process (the default, measured faster here); N > 1 offloads them to smartasync's own worker pool of N workers",
      ).argParser(parseJobs),
    )
    .addOption(
      new Option(
        "--file-timeout <seconds>",
        "time budget of one file: a file that takes longer is stopped and reported (timeout-error) while the others go on; files then compile in a worker (0: no budget, compiled in this thread)",
      ).argParser(parseSeconds),
    )
    .option(
      "--cwd <dir>",
      "project directory: where the Babel config (or .swcrc) is looked up and what report paths are relative to (default: the current directory)",
    );
}

/**
 * Makes sure the chosen compiler can run before any file is read. `--compiler swc` loads
 * `smartasync/swc` here: `@swc/core` is an optional peer dependency, and without it the command
 * stops with one line naming the package to install (a usage error, exit 2). Babel is found per
 * project directory, file by file (transform-file.ts).
 */
export async function checkCompiler(opts: CommonOptions): Promise<void> {
  if (opts.compiler !== "swc") return;
  try {
    await loadSwc();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
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
