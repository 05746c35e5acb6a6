/** Options and helpers shared by the commands. */
import { resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { colourEnabled, painter } from "./colour.js";
import { EXIT_FINDINGS, UsageError } from "./errors.js";
import type { TransformFailure } from "./transform-file.js";

export interface CommonOptions {
  compiler: "babel" | "swc";
  jobs?: number;
  cwd?: string;
}

function parseJobs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a whole number >= 1");
  return n;
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option("--compiler <name>", "compiler to run smartasync in")
        .choices(["babel", "swc"])
        .default("babel"),
    )
    .addOption(
      new Option(
        "-j, --jobs <n>",
        "files compiled in parallel: 1 compiles them one after another in this process (the default, measured faster here); N > 1 offloads them to smartasync's own worker pool of N workers",
      ).argParser(parseJobs),
    )
    .option(
      "--cwd <dir>",
      "project directory: where the Babel config is looked up and what report paths are relative to (default: the current directory)",
    );
}

/** The SWC path is not there yet: a usage error, exit 2, one line. */
export function checkCompiler(opts: CommonOptions): void {
  if (opts.compiler === "swc") {
    throw new UsageError("the SWC integration is not available yet; use --compiler babel");
  }
}

export function projectDir(opts: CommonOptions): string {
  return resolve(process.cwd(), opts.cwd ?? ".");
}

export const stdoutPaint = () => painter(colourEnabled(process.stdout));
export const stderrPaint = () => painter(colourEnabled(process.stderr));

/** `smartasync: src/app.js: SA301: ...` with the code frame, once, on stderr. */
export function printFailure(f: TransformFailure): void {
  const paint = stderrPaint();
  process.stderr.write(`${paint("red", "smartasync")}: ${f.path}: ${f.detail}\n`);
}

export function exitWith(code: number): void {
  if (code > ((process.exitCode as number | undefined) ?? 0)) process.exitCode = code;
}

export { EXIT_FINDINGS };
