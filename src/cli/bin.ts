#!/usr/bin/env node
/**
 * The `smartasync` command: inspect, check, build. Exit codes: 0 ok, 1 findings (errors, denied
 * codes or strategies, files that could not be compiled), 2 usage or internal error.
 */
import { Command, CommanderError } from "commander";
import { buildCommand } from "./build.js";
import { checkCommand } from "./check.js";
import { EXIT_USAGE, UsageError, UsageErrors } from "./errors.js";
import { escapeControls } from "./escape.js";
import { inspectCommand } from "./inspect.js";
import { ownPackage } from "./package-info.js";

/** Each message on its own line; paths and names in it escaped (escape.ts), a stack trace keeps its lines. */
function fail(lines: string[], code: number, multiline = false): void {
  for (const line of lines)
    process.stderr.write(`smartasync: ${escapeControls(line, { newlines: multiline })}\n`);
  process.exitCode = code;
}

/**
 * A closed pipe (`smartasync check … | head`) ends the command quietly with the exit code it had
 * so far: there is no one left to tell (Node would throw EPIPE from the next write).
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit((process.exitCode as number | undefined) ?? 0);
    throw e;
  });
}

export async function main(argv: string[]): Promise<void> {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  const program = new Command("smartasync")
    .description(
      "One function, two colours: see and check what smartasync decides for every @smartasync function and call, and build a tree with it.",
    )
    .version(ownPackage().version, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const cmd of [inspectCommand(), checkCommand(), buildCommand()]) {
    cmd.exitOverride().showHelpAfterError("(run with --help for usage)");
    program.addCommand(cmd);
  }
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; every other parse error (already printed) is a usage error.
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
    } else if (e instanceof UsageErrors) fail(e.messages, EXIT_USAGE);
    else if (e instanceof UsageError) fail([e.message], e.exitCode);
    else fail([`internal error: ${(e as Error)?.stack ?? String(e)}`], EXIT_USAGE, true);
  }
}

/**
 * The command's work is done: end the process once what it wrote has been handed to the OS,
 * whatever else is still alive. A worker thread stuck in a system call (a read that blocks: it
 * can be terminated but not interrupted) or a handle some project plugin left open would keep
 * Node running after the result was printed, and the exit code would never reach CI (security
 * review 17, finding 5).
 */
async function flushed(stream: NodeJS.WriteStream): Promise<void> {
  await new Promise<void>((done) => {
    if (stream.destroyed || !stream.writable) done();
    else stream.write("", () => done());
  });
}

await main(process.argv);
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit((process.exitCode as number | undefined) ?? 0);
