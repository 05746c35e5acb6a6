/**
 * `--format github`: one GitHub Actions workflow command per diagnostic, which the Actions
 * runner turns into an annotation on the file and line:
 * `::warning file=src/app.js,line=12,col=3,title=SA201::message` (`error` for errors, `notice`
 * for hints). Escaping follows the runner's rules: `%`, CR and LF in the message; also `:` and
 * `,` in properties; so a file name or a message holding a line break stays inside its one
 * command. Other control characters (ESC, BEL, …) are shown as visible escapes (escape.ts), as
 * the log that shows these lines is a terminal too.
 */
import { escapeControls } from "./escape.js";
import { type Finding, parseLoc } from "./findings.js";

const escapeData = (s: string): string =>
  escapeControls(s.replace(/%/g, "%25").replace(/\r/g, "%0D"), { newlines: true }).replace(/\n/g, "%0A");
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

const COMMAND = { error: "error", warning: "warning", hint: "notice" } as const;

export function formatGithub(findings: Finding[]): string {
  return findings
    .map((d) => {
      const p = parseLoc(d.loc);
      const props = [`file=${escapeProperty(p.path)}`];
      if (p.line !== undefined) props.push(`line=${p.line}`, `col=${p.column}`);
      props.push(`title=${escapeProperty(d.code)}`);
      return `::${COMMAND[d.severity]} ${props.join(",")}::${escapeData(d.message)}`;
    })
    .join("\n");
}
