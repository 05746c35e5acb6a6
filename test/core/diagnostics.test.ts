import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { CODES } from "../../src/core/diagnostics.js";
import { ROOT } from "../harness.js";

it("documents every diagnostic code in docs/diagnostics.md, with its severity", () => {
  const doc = readFileSync(join(ROOT, "docs/diagnostics.md"), "utf8");
  for (const [code, info] of Object.entries(CODES)) {
    expect(doc, code).toMatch(new RegExp(`\\|\\s*${code}\\s*\\|\\s*${info.severity}\\s*\\|`));
  }
});
