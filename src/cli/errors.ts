/** Exit codes of every command (documented in docs/cli.md). */
export const EXIT_OK = 0;
/** Findings: error diagnostics, denied codes or strategies, files that could not be compiled. */
export const EXIT_FINDINGS = 1;
/** Usage or internal error: bad options, a missing path, no files, a refused out-dir. */
export const EXIT_USAGE = 2;

/** A problem with how the CLI was called: printed as `smartasync: <message>`, exit 2. */
export class UsageError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = EXIT_USAGE) {
    super(message);
    this.name = "UsageError";
    this.exitCode = exitCode;
  }
}

/** Several usage problems found at once (e.g. two missing paths): each printed on its own line. */
export class UsageErrors extends Error {
  readonly messages: string[];
  constructor(messages: string[]) {
    super(messages.join("\n"));
    this.name = "UsageErrors";
    this.messages = messages;
  }
}
