/**
 * The quoted glob form (`smartasync check 'src/**\/*.js'`) reads the same files as the directory
 * form (`check src`): a link to a folder is not followed — `src/ext -> ../outside` would compile
 * and quote an outside file, `src/root -> /` would walk the whole disk — and a link to a file is
 * kept, as the directory walk keeps it (security review 17, finding 11; SECURITY.md, "What
 * check and inspect read"). Real links, the real CLI.
 */
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectFiles } from "../../src/cli/files.js";
import { cli, tree } from "../cli/helpers.js";

const ANNOTATED = "// @smartasync\nexport async function a() { return 1; }\n";
const SECRET = 'const AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/SECRET";\nexport let x = @;\n';

function project(name: string): string {
  const dir = tree(name, {
    "package.json": '{"name":"p","type":"module"}',
    "src/a.js": ANNOTATED,
    "outside/creds.js": SECRET,
    "outside/b.js": ANNOTATED,
  });
  symlinkSync("../outside", join(dir, "src", "ext"));
  symlinkSync("../outside/b.js", join(dir, "src", "b-link.js"));
  return dir;
}

describe("globs do not follow folder links", () => {
  it("the glob and the directory form name the same files: a file link kept, a folder link not walked", async () => {
    const dir = project("glob-links-same");
    const rel = (files: string[]) => files.map((f) => f.slice(dir.length + 1));
    const viaGlob = rel(await collectFiles(["src/**/*.js"], dir));
    const viaDir = rel(await collectFiles(["src"], dir));
    expect(viaGlob).toEqual(["src/a.js", "src/b-link.js"]);
    expect(viaGlob).toEqual(viaDir);
  });

  it("check 'src/**/*.js' neither compiles nor quotes a file behind a folder link", () => {
    const dir = project("glob-links-check");
    const r = cli(["check", "src/**/*.js"], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/SECRET|creds/);
    expect(r.stdout).toContain("2 files");
  });

  it("a link to / is not walked: the run ends at once", () => {
    const dir = tree("glob-links-root", {
      "package.json": '{"name":"p","type":"module"}',
      "src/a.js": ANNOTATED,
    });
    symlinkSync("/", join(dir, "src", "root"));
    const start = Date.now();
    const r = cli(["check", "src/**/*.js"], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("1 file");
    expect(Date.now() - start).toBeLessThan(20_000);
  }, 30_000);
});
