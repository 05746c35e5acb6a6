import { it } from "vitest";
import { listCases, transformCase } from "../harness.js";
it("one", () => {
  for (const c of listCases()) if (c.name === process.env.CASE) console.log(JSON.stringify(transformCase(c, 8).report?.diagnostics.map((d) => `${d.code} ${d.message.slice(0, 400)}`), null, 1));
});
