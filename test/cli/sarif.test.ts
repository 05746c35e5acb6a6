import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { CODES } from "../../src/core/diagnostics.js";
import { APP, cli, MALFORMED, SYNTAX, tree } from "./helpers.js";

// The official SARIF 2.1.0 schema (2.1.0-rtm.5, the OASIS standard's final JSON schema), as shipped
// by @microsoft/jest-sarif. It is written for JSON Schema draft-04, whose only differences that
// matter here are `id` (now `$id`) and the meta-schema URL.
function sarifValidator() {
  const require = createRequire(import.meta.url);
  const file = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
  const schema = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  // unicodeRegExp: false because one `pattern` of the published schema (language tags) is not a
  // valid regular expression under the `u` flag.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv.compile(schema);
}

describe("smartasync inspect --format sarif", () => {
  const dir = tree("sarif", { "src/app.js": APP, "src/bad.js": MALFORMED, "src/syntax.js": SYNTAX });
  const r = cli(["inspect", "src", "--format", "sarif"], dir);
  const log = JSON.parse(r.stdout);

  it("is valid SARIF 2.1.0", () => {
    const validate = sarifValidator();
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(r.status).toBe(1); // two files could not be compiled
  });

  it("has one run, the driver's rules for every code, and one located result per diagnostic", () => {
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe("smartasync");
    const ids = driver.rules.map((x: { id: string }) => x.id);
    for (const code of Object.keys(CODES)) expect(ids).toContain(code);
    const sa201 = driver.rules.find((x: { id: string }) => x.id === "SA201");
    expect(sa201.shortDescription.text).toBe(CODES.SA201.title);
    expect(sa201.defaultConfiguration.level).toBe("warning");
    const results = log.runs[0].results;
    expect(results.map((x: { ruleId: string; level: string }) => [x.ruleId, x.level])).toEqual([
      ["SA201", "warning"],
      ["SA101", "error"],
      ["syntax-error", "error"],
    ]);
    expect(results[0].message.text).toMatch(/^`loadConfig\(\.\.\.\)` is an async smartasync function/);
    expect(results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "src/app.js", uriBaseId: "%SRCROOT%" },
      region: { startLine: 21, startColumn: 3 },
    });
    expect(results[2].locations[0].physicalLocation.region).toEqual({ startLine: 1, startColumn: 18 });
    for (const x of results) expect(driver.rules[x.ruleIndex].id).toBe(x.ruleId);
  });
});

describe("smartasync check --format sarif", () => {
  const dir = tree("check-sarif", { "src/app.js": APP, "src/bad.js": MALFORMED });
  const r = cli(["check", "src", "--deny", "sync-worker,guarded", "--format", "sarif"], dir);
  const log = JSON.parse(r.stdout);

  it("is valid SARIF 2.1.0, with the denied function and call as error results", () => {
    const validate = sarifValidator();
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(r.status).toBe(1);
    const results = log.runs[0].results as { ruleId: string; level: string }[];
    expect(results.map((x) => [x.ruleId, x.level])).toEqual([
      ["SA201", "warning"],
      ["sync-worker", "error"], // the worker function
      ["sync-worker", "error"], // its call
      ["SA101", "error"],
    ]);
  });
});
