import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "vitest";
import { listCases, transformCase } from "../harness.js";

it("scan", () => {
  const lines: string[] = [];
  for (const c of listCases()) {
    const rep = join(c.dir, "report.json");
    if (!existsSync(rep)) continue;
    const want = JSON.parse(readFileSync(rep, "utf8")) as { diagnostics: { code: string; message: string }[] };
    const got = transformCase(c, 8);
    if (!got.report) continue;
    const old = new Set(want.diagnostics.map((d) => `${d.code} ${d.message}`));
    for (const d of got.report.diagnostics) if (!old.has(`${d.code} ${d.message}`)) lines.push(`NEW ${c.name} ${d.code} ${d.message}`);
    const now = new Set(got.report.diagnostics.map((d) => `${d.code} ${d.message}`));
    for (const d of want.diagnostics) if (!now.has(`${d.code} ${d.message}`)) lines.push(`GONE ${c.name} ${d.code} ${d.message}`);
  }
  console.log(lines.join("\n"));
}, 600000);
