import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { CODES } from "../../src/core/diagnostics.js";
import { ROOT } from "../harness.js";

it("documents every diagnostic code in docs/diagnostics.md, with its severity", () => {
  const doc = readFileSync(join(ROOT, "docs/diagnostics.md"), "utf8");
  for (const [code, info] of Object.entries(CODES)) {
    // Each code's cell carries the anchor that SARIF's helpUri and other pages link to (#sa201).
    const anchor = `<a id="${code.toLowerCase()}"></a>`;
    expect(doc, code).toMatch(new RegExp(`\\|\\s*${anchor}${code}\\s*\\|\\s*${info.severity}\\s*\\|`));
  }
});
