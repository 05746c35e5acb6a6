/** `smartasync inspect <paths…>`: what smartasync decided, per file, in the chosen format. */
import { Command, Option } from "commander";
import type { Paint } from "./colour.js";
import { colourEnabled } from "./colour.js";
import {
  addCommonOptions,
  type CommonOptions,
  checkCompiler,
  EXIT_FINDINGS,
  exitWith,
  printFailure,
  projectDir,
  stdoutPaint,
} from "./common.js";
import { omittedText } from "./diff.js";
import { UsageError } from "./errors.js";
import { escapeControls, jsonForTerminal, noCommands } from "./escape.js";
import { collectFiles } from "./files.js";
import { findingsOf, formatSummary, reportOf, summarise } from "./findings.js";
import { formatGithub } from "./format-github.js";
import { sarifLog } from "./format-sarif.js";
import { formatReportTable } from "./format-table.js";
import { runFiles } from "./run-files.js";

interface InspectOptions extends CommonOptions {
  format: "table" | "json" | "github" | "sarif";
  diff?: boolean;
}

/** The diff, each line's control characters escaped (the code is the file's own) and then coloured. */
export function colourDiff(patch: string, paint: Paint): string {
  return patch
    .split("\n")
    .map((line) => escapeControls(line))
    .map((l) =>
      l.startsWith("+++") || l.startsWith("---")
        ? paint("bold", l)
        : l.startsWith("+")
          ? paint("green", l)
          : l.startsWith("-")
            ? paint("red", l)
            : l.startsWith("@@")
              ? paint("cyan", l)
              : l,
    )
    .join("\n");
}

export function inspectCommand(): Command {
  const cmd = new Command("inspect")
    .description(
      "show, per file, every call site smartasync rewrote (loc, callee, context, in, strategy, target, reason) and every function it gave two colours (kind, variants, strategy and why)",
    )
    .argument(
      "<paths...>",
      "files, directories (walked for .js .mjs .cjs .jsx .ts .tsx .mts .cts files) or globs",
    )
    .addOption(
      new Option("-f, --format <format>", "output format")
        .choices(["table", "json", "github", "sarif"])
        .default("table"),
    )
    .option("--diff", "print the transformed code as a unified diff against the input instead of the tables");
  addCommonOptions(cmd);
  return cmd.action(async (paths: string[], opts: InspectOptions) => {
    await checkCompiler(opts);
    if (opts.diff && opts.format !== "table")
      throw new UsageError("--diff prints diffs; it cannot be combined with --format " + opts.format);
    const cwd = projectDir(opts);
    const files = await collectFiles(paths, process.cwd());
    const t0 = performance.now();
    const outcomes = await runFiles(files, {
      jobs: opts.jobs,
      fileTimeout: opts.fileTimeout,
      label: "inspect",
      // Each file is diffed where it is compiled, within its budget (diff.ts).
      diff: opts.diff === true,
      options: {
        cwd,
        compiler: opts.compiler,
        conditions: opts.conditions,
        highlightCode: colourEnabled(process.stderr),
      },
    });
    const summary = summarise(outcomes, performance.now() - t0);
    for (const o of outcomes) if (!o.ok) printFailure(o);
    const out: string[] = [];
    const paint = stdoutPaint();
    switch (opts.format) {
      case "json":
        out.push(jsonForTerminal(JSON.stringify(outcomes.map(reportOf), null, 2)));
        break;
      case "github": {
        const text = formatGithub(outcomes.flatMap(findingsOf));
        if (text) out.push(text);
        break;
      }
      case "sarif":
        out.push(jsonForTerminal(JSON.stringify(sarifLog(outcomes.flatMap(findingsOf), cwd), null, 2)));
        break;
      default:
        for (const o of outcomes) {
          if (!o.ok) continue;
          if (opts.diff) {
            const d = o.diff;
            if (d && "patch" in d) out.push(noCommands(colourDiff(d.patch.trimEnd(), paint)));
            else if (d) out.push(noCommands(colourDiff(omittedText(o.path, d.omitted), paint)));
          } else out.push(noCommands(formatReportTable(o.report, paint)), "");
        }
    }
    if (out.length > 0) process.stdout.write(`${trimNewlines(out.join("\n"))}\n`);
    // Machine formats and diffs keep stdout clean: the summary goes to stderr.
    const line = `smartasync inspect: ${formatSummary(summary)}\n`;
    if (opts.format === "table" && !opts.diff) process.stdout.write(line);
    else process.stderr.write(line);
    if (summary.failed > 0) exitWith(EXIT_FINDINGS);
  });
}

/** `text` without its trailing line breaks (a scan from the end: `/\n*$/` is quadratic in a run of them). */
function trimNewlines(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === "\n") end--;
  return text.slice(0, end);
}
