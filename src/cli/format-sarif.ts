/**
 * `--format sarif`: a SARIF 2.1.0 log that GitHub code scanning accepts
 * (`github/codeql-action/upload-sarif`): one run, tool.driver "smartasync" with a rule for every
 * code of src/core/diagnostics.ts (plus the CLI's own codes for files that could not be
 * compiled), and one result per diagnostic with a physical location relative to the project
 * directory (`%SRCROOT%`).
 */
import { pathToFileURL } from "node:url";
import { CODES } from "../core/diagnostics.js";
import { type Finding, parseLoc } from "./findings.js";
import { docsUrl, ownPackage } from "./package-info.js";

/** Codes the CLI itself gives a file that could not be compiled. */
export const FAILURE_CODES = {
  "syntax-error": "the file could not be parsed",
  "read-error": "the file could not be read",
  "config-error": "the compiler configuration (Babel config or .swcrc) could not be loaded or applied",
  "internal-error": "the compiler failed on this file",
  "timeout-error": "the file took longer than the per-file budget (--file-timeout) to compile",
} as const;

const LEVEL = { error: "error", warning: "warning", hint: "note" } as const;

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
  helpUri?: string;
  defaultConfiguration: { level: "error" | "warning" | "note" };
}

function ruleName(title: string): string {
  return title
    .replace(/[^A-Za-z0-9 ]+/g, " ")
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}

export function sarifRules(): SarifRule[] {
  const rules: SarifRule[] = [];
  for (const [id, info] of Object.entries(CODES)) {
    const helpUri = docsUrl("diagnostics.md", id.toLowerCase());
    rules.push({
      id,
      name: ruleName(info.title),
      shortDescription: { text: info.title },
      fullDescription: { text: `${id}: ${info.title} (severity: ${info.severity}).` },
      help: {
        text: `See docs/diagnostics.md#${id.toLowerCase()} in the smartasync package for the meaning, an example and the fix.`,
      },
      ...(helpUri ? { helpUri } : {}),
      defaultConfiguration: { level: LEVEL[info.severity] },
    });
  }
  for (const [id, text] of Object.entries(FAILURE_CODES)) {
    rules.push({
      id,
      name: ruleName(text),
      shortDescription: { text },
      fullDescription: { text: `${text}; smartasync could not compile it.` },
      help: {
        text: "Fix the file (the message gives the position and the reason) and run smartasync again.",
      },
      defaultConfiguration: { level: "error" },
    });
  }
  return rules;
}

/**
 * The SARIF log (as a JSON-ready object) of `findings`; `cwd` is the project directory that
 * relative paths start from; `extraRules` are rules for ids that are not diagnostic codes
 * (`check`'s denied strategies).
 */
export function sarifLog(
  findings: Finding[],
  cwd: string,
  extraRules: SarifRule[] = [],
): Record<string, unknown> {
  const rules = [...sarifRules(), ...extraRules];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = findings.map((d) => {
    const p = parseLoc(d.loc);
    return {
      ruleId: d.code,
      ...(index.has(d.code) ? { ruleIndex: index.get(d.code) } : {}),
      level: LEVEL[d.severity],
      message: { text: d.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: {
              // Well-formed first (a UTF-8 round trip turns a lone surrogate into U+FFFD, as
              // toWellFormed does): a lone surrogate would make encodeURIComponent throw.
              uri: Buffer.from(p.path, "utf8").toString("utf8").split("/").map(encodeURIComponent).join("/"),
              uriBaseId: "%SRCROOT%",
            },
            region: { startLine: p.line ?? 1, ...(p.column !== undefined ? { startColumn: p.column } : {}) },
          },
        },
      ],
    };
  });
  const pkg = ownPackage();
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "smartasync",
            version: pkg.version,
            semanticVersion: pkg.version,
            informationUri: docsUrl("diagnostics.md") ?? "https://www.npmjs.com/package/smartasync",
            rules,
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { uri: `${pathToFileURL(cwd).href.replace(/\/?$/, "/")}` } },
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}
