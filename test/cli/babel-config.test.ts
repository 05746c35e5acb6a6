import { describe, expect, it } from "vitest";
import { cli, tree } from "./helpers.js";

const LOAD = `// @smartasync
export async function load() {
  return 1;
}
export function main() {
  return load() * 1;
}
`;

describe("the project's Babel config", () => {
  it("is honoured: smartasync options set in babel.config.json name the variants", () => {
    const dir = tree("babel-config", {
      "babel.config.json": JSON.stringify({ plugins: [["smartasync/babel", { syncSuffix: "Blocking" }]] }),
      "src/load.js": LOAD,
    });
    const r = cli(["inspect", "src", "-f", "json"], dir);
    expect(r.status).toBe(0);
    const [report] = JSON.parse(r.stdout);
    expect(report.functions[0].variants).toEqual({ sync: "loadBlocking" });
    expect(report.calls[0].target).toBe("loadBlocking");
  });

  it("an invalid option in the config is reported with its code", () => {
    const dir = tree("babel-config-bad", {
      "babel.config.json": JSON.stringify({ plugins: [["smartasync/babel", { syncSufix: "X" }]] }),
      "src/load.js": LOAD,
    });
    const r = cli(["check", "src"], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/smartasync: src\/load\.js: .*SA104: .*syncSufix.*did you mean/);
  });

  it("without a config, TypeScript files get @babel/preset-typescript", () => {
    const dir = tree("babel-config-none", {
      "src/load.ts": "// @smartasync\nexport async function load(): Promise<number> {\n  return 1;\n}\n",
    });
    const r = cli(["inspect", "src", "-f", "json"], dir);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)[0].functions[0].variants).toEqual({ sync: "loadSync" });
  });
});
