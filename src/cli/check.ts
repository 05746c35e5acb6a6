/**
 * `smartasync check <paths…>`: fails (exit 1) on any error diagnostic — a file that could not be
 * compiled counts as one — and on whatever `--deny` names: diagnostic codes (`SA201`), call
 * strategies (`sync-worker`), or `warnings`.
 */
import { Command, Option } from "commander";
import { CODES } from "../core/diagnostics.js";
import { didYouMean } from "../core/did-you-mean.js";
import { colourEnabled, type Paint } from "./colour.js";
import {
  addCommonOptions,
  type CommonOptions,
  checkCompiler,
  EXIT_FINDINGS,
  exitWith,
  printFailure,
  projectDir,
  stderrPaint,
  stdoutPaint,
} from "./common.js";
import { UsageError } from "./errors.js";
import { jsonForTerminal, noCommands, oneLine } from "./escape.js";
import { collectFiles } from "./files.js";
import { type Finding, formatSummary, reportOf, summarise } from "./findings.js";
import { formatGithub } from "./format-github.js";
import { FAILURE_CODES, type SarifRule, sarifLog } from "./format-sarif.js";
import { runFiles } from "./run-files.js";
import type { TransformOutcome } from "./transform-file.js";

export const STRATEGIES = [
  "direct",
  "sync-inline",
  "sync-worker",
  "offload",
  "same-thread",
  "dispatch",
  "explicit",
] as const;

export interface DenyRules {
  codes: Set<string>;
  strategies: Set<string>;
  warnings: boolean;
  /** Run-time guards in inline sync variants (each awaited value the build could not prove). */
  guarded: boolean;
  /**
   * Offloaded calls whose effects outside JS memory come later than the plain program's (the
   * report's `"outside": true` on a call; attack18 F12).
   */
  offloadOutside: boolean;
}

/** `--deny SA201,sync-worker --deny warnings` → the rules; an unknown word is a usage error. */
export function parseDeny(values: string[]): DenyRules {
  const rules: DenyRules = {
    codes: new Set(),
    strategies: new Set(),
    warnings: false,
    guarded: false,
    offloadOutside: false,
  };
  const known = [
    ...Object.keys(CODES),
    ...Object.keys(FAILURE_CODES),
    ...STRATEGIES,
    "warnings",
    "guarded",
    "offload-outside",
  ];
  for (const raw of values.flatMap((v) => v.split(","))) {
    const word = raw.trim();
    if (word === "") continue;
    const upper = word.toUpperCase();
    if (upper in CODES) rules.codes.add(upper);
    else if (word in FAILURE_CODES) rules.codes.add(word);
    else if ((STRATEGIES as readonly string[]).includes(word)) rules.strategies.add(word);
    else if (word === "warnings" || word === "warning") rules.warnings = true;
    else if (word === "guarded") rules.guarded = true;
    else if (word === "offload-outside") rules.offloadOutside = true;
    else {
      const guess = didYouMean(word, known);
      throw new UsageError(
        `--deny ${word}: not a diagnostic code, a strategy, "guarded", "offload-outside" or "warnings"${guess ? ` (did you mean ${guess}?)` : ""}; known: SA101…SA901, ${STRATEGIES.join(", ")}, guarded, offload-outside, warnings`,
      );
    }
  }
  return rules;
}

export interface CheckFinding extends Finding {
  /** Why it fails the check: `error`, or the --deny word that caught it; undefined when it does not. */
  failsBy?: string;
}

/** Every diagnostic, plus one finding per call whose strategy is denied; each marked with what fails it. */
export function checkFindings(outcomes: TransformOutcome[], deny: DenyRules): CheckFinding[] {
  const out: CheckFinding[] = [];
  for (const o of outcomes) {
    if (!o.ok) {
      out.push({ code: o.code, severity: "error", message: o.message, loc: o.loc, failsBy: "error" });
      continue;
    }
    const items: CheckFinding[] = o.report.diagnostics.map((d) => ({
      ...d,
      failsBy:
        d.severity === "error"
          ? "error"
          : deny.codes.has(d.code)
            ? d.code
            : deny.warnings && d.severity === "warning"
              ? "warnings"
              : undefined,
    }));
    // A function whose sync variant runs on a worker is denied where it is declared, not only
    // where it is called: a library's exported function may have no caller in the checked tree,
    // and it is the library's sync API that must stay inline (docs/migrating.md).
    if (deny.strategies.has("sync-worker")) {
      for (const f of o.report.functions) {
        if (f.syncStrategy !== "worker") continue;
        const why = f.reasons.length > 0 ? ` (${f.reasons.join("; ")})` : "";
        items.push({
          code: "sync-worker",
          severity: "error",
          message: `${f.name}'s sync variant ${f.variants.sync} runs on a worker${why}, denied by --deny sync-worker`,
          loc: f.loc,
          failsBy: "sync-worker",
        });
      }
    }
    // An inline variant that calls another module's worker variant blocks on that worker too:
    // the package case a full `check src` cannot see from the package's declaration (F3).
    if (deny.strategies.has("sync-worker")) {
      for (const f of o.report.functions) {
        for (const w of f.workerCalls ?? []) {
          items.push({
            code: "sync-worker",
            severity: "error",
            message: `${f.name}'s ${f.variants.sync} calls ${w.callee}, whose sync variant ${w.variant} ${w.through ? "blocks on a worker further on" : "runs on a worker"}, denied by --deny sync-worker`,
            loc: w.loc,
            failsBy: "sync-worker",
          });
        }
      }
    }
    for (const c of o.report.calls) {
      if (c.blocksOnWorker && deny.strategies.has("sync-worker") && !deny.strategies.has(c.strategy)) {
        items.push({
          code: "sync-worker",
          severity: "error",
          message: c.value
            ? `${c.target} ${c.reason ?? "used as a value"}, denied by --deny sync-worker`
            : c.strategy === "explicit"
              ? `explicit call of ${c.target}, which runs on a worker or blocks on one further on, denied by --deny sync-worker`
              : `call of ${c.callee} uses ${c.strategy} (→ ${c.target}), which blocks on a worker further on, denied by --deny sync-worker`,
          loc: c.loc,
          failsBy: "sync-worker",
        });
        continue;
      }
      // An offloaded call whose effects outside JS memory happen later than the plain program's
      // (attack18 F12); where `offload` itself is denied, that finding says it already.
      if (c.outside && deny.offloadOutside && !deny.strategies.has(c.strategy)) {
        items.push({
          code: "offload-outside",
          severity: "error",
          message: `call of ${c.callee} uses offload (→ ${c.target}) and has effects outside JS memory: ${c.reason ?? "not ruled out"}; denied by --deny offload-outside`,
          loc: c.loc,
          failsBy: "offload-outside",
        });
        continue;
      }
      if (!deny.strategies.has(c.strategy)) continue;
      items.push({
        code: c.strategy,
        severity: "error",
        message: `call of ${c.callee} uses ${c.strategy} (→ ${c.target}), denied by --deny ${c.strategy}`,
        loc: c.loc,
        failsBy: c.strategy,
      });
    }
    // A dispatched method call inside an inline variant runs whatever the receiver holds, its
    // sync variant perhaps on a worker: a dispatch as much as one in plain sync code (attack18 F3).
    if (deny.strategies.has("dispatch")) {
      for (const f of o.report.functions) {
        for (const g of f.guards ?? []) {
          if (!g.dispatch) continue;
          items.push({
            code: "dispatch",
            severity: "error",
            message: `${f.variants.sync} dispatches ${g.text} (whatever the receiver holds runs, its sync variant perhaps on a worker), denied by --deny dispatch`,
            loc: g.loc,
            failsBy: "dispatch",
          });
        }
      }
    }
    if (deny.guarded) {
      for (const f of o.report.functions) {
        for (const g of f.guards ?? []) {
          items.push({
            code: "guarded",
            severity: "error",
            message: `${f.variants.sync} checks at run time that ${g.text} is not a promise, denied by --deny guarded (prove it, or build with unproven: "worker")`,
            loc: g.loc,
            failsBy: "guarded",
          });
        }
      }
    }
    out.push(...items);
  }
  return out;
}

/**
 * `--format text`: one line per finding, `path:line:col: severity CODE: message`. The location,
 * code and message are escaped (escape.ts): a line break or a terminal escape in a file name,
 * an import specifier or a code excerpt is shown, never acted on, and never starts a line.
 */
export function formatCheckText(findings: CheckFinding[], paint: Paint): string[] {
  return findings.map((f) => {
    const sev = f.failsBy
      ? paint("red", f.failsBy === "error" ? "error" : `denied (${oneLine(f.failsBy)})`)
      : f.severity === "warning"
        ? paint("yellow", "warning")
        : paint("cyan", f.severity);
    const label =
      f.failsBy && f.failsBy !== "error" && f.severity !== "error" ? `${f.severity}, ${sev}` : sev;
    return `${oneLine(f.loc)}: ${label} ${paint("bold", oneLine(f.code))}: ${oneLine(f.message)}`;
  });
}

/**
 * SARIF rules for the findings `--deny` makes of things that are not diagnostics: a call
 * strategy, a run-time guard. Their results are always level `error` (they fail the check).
 */
export function denyRules(): SarifRule[] {
  const rule = (id: string, name: string, text: string, help: string): SarifRule => ({
    id,
    name,
    shortDescription: { text },
    fullDescription: { text: `${text} (a finding only when \`smartasync check --deny ${id}\` asks for it).` },
    help: { text: help },
    defaultConfiguration: { level: "error" },
  });
  return [
    ...STRATEGIES.map((s) =>
      rule(
        s,
        `DeniedStrategy${s
          .split("-")
          .map((w) => w[0]!.toUpperCase() + w.slice(1))
          .join("")}`,
        `a call uses the ${s} strategy`,
        `The call's strategy is denied by --deny ${s}. docs/semantics.md in the smartasync package says when each strategy is chosen and how to get another one.`,
      ),
    ),
    rule(
      "guarded",
      "DeniedRunTimeGuard",
      "an inline sync variant checks at run time that an awaited value is not a promise",
      'Denied by --deny guarded. Prove the value (docs/semantics.md, "Proven or guarded"), or build with unproven: "worker".',
    ),
    rule(
      "offload-outside",
      "DeniedOffloadOutside",
      "an offloaded call of a function with effects outside JS memory, which happen when a pool thread runs it",
      'Denied by --deny offload-outside. Annotate the function `// @smartasync same-thread` to keep it on the calling thread, or accept the later effects (docs/semantics.md, "The async variant of a sync function").',
    ),
  ];
}

/** `--format json`: the verdict, every finding (with what fails it), and the plugin's report of every file. */
export function checkJson(findings: CheckFinding[], outcomes: TransformOutcome[]): Record<string, unknown> {
  const failing = findings.filter((f) => f.failsBy !== undefined);
  const errors = failing.filter((f) => f.failsBy === "error").length;
  return {
    version: 1,
    ok: failing.length === 0,
    errors,
    denied: failing.length - errors,
    findings: findings.map((f) => ({ ...f, failsBy: f.failsBy ?? null })),
    reports: outcomes.map(reportOf),
  };
}

/** A finding that fails the check is an error in the machine formats, whatever its own severity. */
const asFailing = (f: CheckFinding): CheckFinding => (f.failsBy ? { ...f, severity: "error" } : f);

type CheckFormat = "table" | "text" | "json" | "github" | "sarif";

interface CheckOptions extends CommonOptions {
  deny: string[];
  format: CheckFormat;
}

export function checkCommand(): Command {
  const cmd = new Command("check")
    .description(
      "compile every file and fail (exit 1) on error diagnostics, files that cannot be compiled, and anything --deny names",
    )
    .argument("<paths...>", "files, directories or globs")
    .option(
      "-d, --deny <what>",
      "also fail on these: diagnostic codes (SA201), call strategies (sync-worker, offload, dispatch, …), `guarded`, `offload-outside` or `warnings`; repeatable or comma-separated",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .addOption(
      new Option(
        "-f, --format <format>",
        "how findings are printed: table (one line per finding; `text` is the same), json, github or sarif",
      )
        .choices(["table", "text", "json", "github", "sarif"])
        .default("table"),
    );
  addCommonOptions(cmd);
  return cmd.action(async (paths: string[], opts: CheckOptions) => {
    await checkCompiler(opts);
    const deny = parseDeny(opts.deny ?? []);
    const cwd = projectDir(opts);
    const files = await collectFiles(paths, process.cwd());
    const t0 = performance.now();
    const outcomes = await runFiles(files, {
      jobs: opts.jobs,
      fileTimeout: opts.fileTimeout,
      label: "check",
      options: {
        cwd,
        compiler: opts.compiler,
        conditions: opts.conditions,
        highlightCode: colourEnabled(process.stderr),
      },
    });
    const summary = summarise(outcomes, performance.now() - t0);
    for (const o of outcomes) if (!o.ok) printFailure(o);
    const findings = checkFindings(outcomes, deny);
    const failing = findings.filter((f) => f.failsBy !== undefined);
    const paint = stdoutPaint();
    const errors = failing.filter((f) => f.failsBy === "error").length;
    const denied = failing.length - errors;
    switch (opts.format) {
      case "github": {
        const text = formatGithub(findings.map(asFailing));
        if (text) process.stdout.write(`${text}\n`);
        break;
      }
      case "json":
        process.stdout.write(`${jsonForTerminal(JSON.stringify(checkJson(findings, outcomes), null, 2))}\n`);
        break;
      case "sarif":
        process.stdout.write(
          `${jsonForTerminal(JSON.stringify(sarifLog(findings.map(asFailing), cwd, denyRules()), null, 2))}\n`,
        );
        break;
      default:
        for (const line of formatCheckText(findings, paint)) process.stdout.write(`${noCommands(line)}\n`);
    }
    // Machine formats keep stdout clean: the summary goes to stderr.
    const machine = opts.format === "json" || opts.format === "sarif";
    const paintSummary = machine ? stderrPaint() : paint;
    const verdict =
      failing.length === 0
        ? paintSummary("green", "ok")
        : paintSummary("red", `failed: ${errors} error${errors === 1 ? "" : "s"}, ${denied} denied`);
    (machine ? process.stderr : process.stdout).write(
      `smartasync check: ${verdict} (${formatSummary(summary)})\n`,
    );
    if (failing.length > 0) exitWith(EXIT_FINDINGS);
  });
}
