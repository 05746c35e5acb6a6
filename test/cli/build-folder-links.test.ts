/**
 * `smartasync build` and symbolic links to folders inside `<src>` (attack31 F06): such a link
 * was dropped without a word, and the built program failed with ERR_MODULE_NOT_FOUND on the
 * first import through it. Now it is never dropped: a link to a folder build compiles is placed
 * as a link to that folder's output, a link leading outside `<src>` is refused unless
 * `--follow-symlinks` (then its files are built at their place under the link), and a link
 * build cannot place (to a skipped folder, a loop) is refused, located. Real links, the real
 * CLI and the built program run by Node, under Babel and SWC.
 */
import { existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, node, ROOT, tree } from "./helpers.js";

const LOAD = "// @smartasync\nexport async function load(x) {\n  await null;\n  return x + 1;\n}\n";
// A sync caller of the async `load`: the build gives it `loadSync`, from the module the link leads to.
const MAIN = (from: string) =>
  `import { load } from "${from}";\nfunction main() {\n  const value = load(1);\n  console.log("value:", value);\n}\nmain();\n`;

/** A project whose built files find `smartasync/runtime` (this checkout, as an installed package). */
function project(name: string, files: Record<string, string>): string {
  const dir = tree(name, { "package.json": '{ "type": "module" }\n', ...files });
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules/smartasync"), "dir");
  return dir;
}

describe("build: links to folders", () => {
  for (const compiler of ["babel", "swc"]) {
    it(`--compiler ${compiler}: a link to a folder of <src> is placed as a link to its output, and the program runs`, () => {
      const dir = project(`build-folder-link-in-${compiler}`, {
        "src/lib/load.js": LOAD,
        "src/main.js": MAIN("./lib-link/load.js"),
      });
      symlinkSync("lib", join(dir, "src/lib-link"), "dir");
      const r = cli(["build", "src", "--out-dir", "out", "--compiler", compiler], dir);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/2 compiled, 0 copied, 1 linked/);
      expect(lstatSync(join(dir, "out/lib-link")).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(dir, "out/lib-link"))).toBe("lib");
      const run = node(join(dir, "out/main.js"), dir);
      expect(run.stderr).toBe("");
      expect(run.stdout).toBe("value: 2\n");
      // A second build over the same out-dir replaces the link.
      const again = cli(["build", "src", "--out-dir", "out", "--compiler", compiler], dir);
      expect(again.status, again.stderr).toBe(0);
      expect(readlinkSync(join(dir, "out/lib-link"))).toBe("lib");
    });

    it(`--compiler ${compiler}: a link to a folder outside <src> is refused, or with --follow-symlinks built at its place`, () => {
      const dir = project(`build-folder-link-out-${compiler}`, {
        "shared/load.js": LOAD,
        "src/main.js": MAIN("./ext/load.js"),
      });
      symlinkSync("../shared", join(dir, "src/ext"), "dir");
      const r = cli(["build", "src", "--out-dir", "out", "--compiler", compiler], dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(
        `smartasync: src/ext: a symbolic link to ${join(dir, "shared")}, outside src; build reads only files inside the source directory (pass --follow-symlinks to read its files)\n`,
      );
      expect(existsSync(join(dir, "out"))).toBe(false);

      const followed = cli(
        ["build", "src", "--out-dir", "out", "--compiler", compiler, "--follow-symlinks"],
        dir,
      );
      expect(followed.stderr).toBe("");
      expect(followed.status).toBe(0);
      expect(followed.stdout).toMatch(/2 compiled, 0 copied/);
      expect(lstatSync(join(dir, "out/ext")).isDirectory()).toBe(true);
      const run = node(join(dir, "out/main.js"), dir);
      expect(run.stderr).toBe("");
      expect(run.stdout).toBe("value: 2\n");
    });
  }

  it("a link build cannot place is refused, located: to a folder it skips; under --follow-symlinks a loop, or the out-dir", () => {
    const dir = project("build-folder-link-refused", {
      "src/main.js": "export const a = 1;\n",
      "src/.cache/v/x.js": "export const x = 1;\n",
      "shared/s.js": "export const s = 1;\n",
    });
    symlinkSync(".cache/v", join(dir, "src/vendor"), "dir");
    const r = cli(["build", "src", "--out-dir", "out"], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "smartasync: src/vendor: a symbolic link to src/.cache/v, a folder build does not compile (node_modules, dist, .git and dot-folders are skipped), so the built tree has nothing for it to lead to; link a folder build compiles, or remove it\n",
    );
    expect(existsSync(join(dir, "out"))).toBe(false);

    const loop = project("build-folder-link-loop", {
      "src/main.js": "export const a = 1;\n",
      "shared/s.js": "export const s = 1;\n",
    });
    symlinkSync("../shared", join(loop, "src/ext"), "dir");
    symlinkSync(".", join(loop, "shared/again"), "dir");
    const l = cli(["build", "src", "--out-dir", "out", "--follow-symlinks"], loop);
    expect(l.status).toBe(2);
    expect(l.stderr).toBe(
      `smartasync: src/ext/again: a symbolic link to ${join(loop, "shared")}, a folder it lies in; build does not follow a link loop\n`,
    );
    expect(existsSync(join(loop, "out"))).toBe(false);

    // Followed into the out-dir, a build would read the last build's output.
    const prev = project("build-folder-link-out-dir", {
      "src/main.js": "export const a = 1;\n",
      "out/old.js": "1;\n",
    });
    symlinkSync("../out", join(prev, "src/prev"), "dir");
    const p = cli(["build", "src", "--out-dir", "out", "--follow-symlinks"], prev);
    expect(p.status).toBe(2);
    expect(p.stderr).toBe(
      `smartasync: src/prev: a symbolic link to ${join(prev, "out")}, which holds or lies in the out-dir; build does not read its own output\n`,
    );
  });

  it("a link named as a folder build skips (node_modules, a dot-folder) is skipped as that folder is", () => {
    const dir = project("build-folder-link-skipped-name", { "src/main.js": "export const a = 1;\n" });
    symlinkSync(ROOT, join(dir, "src/.dot"), "dir");
    symlinkSync(ROOT, join(dir, "src/node_modules"), "dir");
    const r = cli(["build", "src", "--out-dir", "out"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, "out/node_modules"))).toBe(false);
  });
});
