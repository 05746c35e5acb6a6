/**
 * `smartasync build --compiler swc` on a project whose `.swcrc` `test` is a Rust regex using
 * syntax JavaScript reads otherwise (attack31 F09). `[[:alpha:]]` is a POSIX class to SWC and a
 * class of `[:alph` to JavaScript: the file SWC compiles was refused by smartasync's reading as
 * an internal error (SA901). Now the pattern is read as SWC reads it; one with no sure reading
 * is SA104, located at the pattern in the `.swcrc`. The real CLI, the real SWC.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tree } from "./helpers.js";

const SRC = {
  "package.json": '{ "type": "module" }\n',
  "src/load.js":
    "// @smartasync\nexport async function load(x) {\n  await null;\n  return x + 1;\n}\nexport function main() {\n  return load(1);\n}\n",
  "src/load2.js": "// @smartasync\nexport async function other() {\n  return 2;\n}\n",
};

describe("build --compiler swc: .swcrc test patterns are Rust regexes", () => {
  it("a POSIX class picks the files SWC picks", () => {
    // SWC: `load.js` matches (letters before `.js`), `load2.js` does not (a digit).
    const dir = tree("build-swcrc-posix", {
      ...SRC,
      ".swcrc": '{\n  "test": "/[[:alpha:]]+\\\\.js$"\n}\n',
    });
    const r = cli(["build", "src", "--out-dir", "out", "--compiler", "swc", "--no-declarations"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, "out/load.js"), "utf8")).toContain("export function loadSync");
    // Left to SWC's `test`: not compiled, written as it is.
    expect(readFileSync(join(dir, "out/load2.js"), "utf8")).not.toContain("otherSync");
  });

  it("a pattern with no sure JavaScript reading is SA104 at the pattern, naming it (never SA901)", () => {
    const dir = tree("build-swcrc-refused", {
      ...SRC,
      ".swcrc": '{\n  "module": { "type": "es6" },\n  "test": "load(?i)\\\\.JS$"\n}\n',
    });
    const r = cli(["build", "src", "--out-dir", "out", "--compiler", "swc", "--no-declarations"], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).not.toContain("SA901");
    expect(r.stderr).toContain(
      `smartasync: src/load.js: SA104: ${join(dir, ".swcrc")}:3:11: the \`test\` pattern "load(?i)\\\\.JS$" cannot be read as SWC reads it (a Rust regex): \`(?i)\` for part of the pattern (JavaScript makes a whole pattern case-insensitive or none of it: put \`(?i)\` first); write it with syntax both read alike`,
    );
  });
});
