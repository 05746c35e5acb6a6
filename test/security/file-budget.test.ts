/**
 * A per-file budget (SECURITY.md, "How long one file may take"; docs/cli.md): a file whose
 * compile runs away — here a Babel plugin of the project's own config that never returns on one
 * file, as a pathological input would — is stopped after `--file-timeout` seconds and reported as
 * a located `timeout-error`, while the other files are compiled (and, for `build`, written).
 * The budget is enforced by terminating the worker that compiles the file: nothing is timed in
 * the test itself, the run simply has to finish with the right outcome.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tree } from "../cli/helpers.js";

const HANG_PLUGIN = `module.exports = () => ({
  visitor: {
    Program(_path, state) {
      // Runs away on one file only: a compile that never ends, as a hostile input would.
      if (state.filename.endsWith("hang.js")) for (;;) {}
    },
  },
});
`;

const FILES: Record<string, string> = {
  "babel.config.json": '{ "plugins": ["./hang-plugin.cjs"] }\n',
  "hang-plugin.cjs": HANG_PLUGIN,
  "src/a.js": "// @smartasync\nexport async function load() {\n  return 1;\n}\n",
  "src/hang.js": "export const never = 1;\n",
  "src/z.js": 'import { load } from "./a.js";\nexport function run() {\n  return load() * 1;\n}\n',
};

describe("a runaway file becomes a located error; the other files go on", () => {
  const dir = tree("security-file-budget", FILES);

  for (const jobs of ["1", "2"]) {
    it(`check --jobs ${jobs} --file-timeout 2`, () => {
      const r = cli(["check", "src", "--jobs", jobs, "--file-timeout", "2"], dir);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(
        "src/hang.js: error timeout-error: took longer than 2 s to compile (the per-file budget): stopped, nothing written for it; the other files went on.",
      );
      // The others were compiled: z.js's call of load was seen (a sync-inline call).
      expect(r.stdout).toMatch(
        /smartasync check: failed: 1 error, 0 denied \(3 files \(1 failed\), 1 function, 1 call/,
      );
    });
  }

  it("build writes every other file", () => {
    const r = cli(["build", "src", "--out-dir", "out", "--file-timeout", "2"], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("smartasync: src/hang.js: took longer than 2 s to compile");
    expect(existsSync(join(dir, "out/hang.js"))).toBe(false);
    expect(readFileSync(join(dir, "out/z.js"), "utf8")).toContain("loadSync");
    expect(existsSync(join(dir, "out/a.js"))).toBe(true);
  });

  it("inspect --format sarif names the rule", () => {
    const r = cli(["inspect", "src", "--format", "sarif", "--file-timeout", "2"], dir);
    const log = JSON.parse(r.stdout);
    const result = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === "timeout-error");
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe("src/hang.js");
  });

  it("rejects a budget that is not a number of seconds", () => {
    const r = cli(["check", "src", "--file-timeout", "soon"], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("must be a number of seconds >= 0");
  });
});
