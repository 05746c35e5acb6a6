// How `smartasync/register` reads Node's own options (src/register/conditions.ts): NODE_OPTIONS
// split as Node splits it, checked against a real Node process for each spelling.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { conditionsIn, flagSet, flagValues, nodeOptionsArgs } from "../src/register/conditions.js";

/** What Node makes of `--title=<value>` in NODE_OPTIONS: the title it runs under. */
function nodeTitle(value: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--title=${value}` };
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(process.title)"], {
    encoding: "utf8",
    env,
  });
  expect(r.stderr).toBe("");
  return r.stdout;
}

describe("NODE_OPTIONS, split as Node splits it (attack34 F06)", () => {
  const spellings = [
    '"development"',
    'dev"elopment"',
    '"a b"',
    "a\\b",
    '"a\\"b"',
    'x"y z"w',
    "a\tb",
    '"c\\\\d"',
  ];
  it.each(spellings)("--title=%s gives Node's own value", (value) => {
    expect(nodeOptionsArgs(`--title=${value}`)).toEqual([`--title=${nodeTitle(value)}`]);
  });

  it("reads the conditions of every spelling Node accepts", () => {
    const read = (text: string) => conditionsIn(nodeOptionsArgs(text));
    expect(read('--conditions="development"')).toEqual(["development"]);
    expect(read('--conditions=dev"elopment"')).toEqual(["development"]);
    expect(read('"--conditions=development"')).toEqual(["development"]);
    expect(read('-C "development"  --conditions "a b"')).toEqual(["development", "a b"]);
    expect(read('"" --conditions=x')).toEqual(["x"]);
    expect(read("--conditions=a\tb")).toEqual(["a\tb"]); // a tab separates nothing
  });
});

describe("Node's options in an argument list", () => {
  it("reads `--name=v`, `--name v`, a short form, and `_` as `-` in a long name", () => {
    const args = ["--experimental_default_type=module", "-C", "x", "--conditions", "y", "--", "-C", "z"];
    expect(flagValues(args, "--experimental-default-type")).toEqual(["module"]);
    expect(flagValues(args, "--conditions", "-C")).toEqual(["x", "y"]);
    expect(flagSet(["--preserve_symlinks"], "--preserve-symlinks")).toBe(true);
    expect(flagSet(["--preserve-symlinks-main"], "--preserve-symlinks")).toBe(false);
  });
});
