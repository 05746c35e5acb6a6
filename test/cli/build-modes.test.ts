// `smartasync build` keeps each source's permission bits on what it writes for it (attack29,
// suspected: a `#!/usr/bin/env node` script -rwxr-xr-x came out -rw-r--r--). Real files, real
// modes; both compilers. Modes are a POSIX notion: Windows keeps only a read-only bit.
import { chmodSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tree } from "./helpers.js";

const posix = process.platform !== "win32";

function mode(file: string): string {
  return (statSync(file).mode & 0o777).toString(8);
}

describe.runIf(posix)("build keeps the source's mode bits", () => {
  for (const compiler of ["babel", "swc"] as const) {
    it(`${compiler}: a compiled script, its map and declarations, a copied file`, () => {
      const dir = tree(`build-modes-${compiler}`, {
        "src/cli.mjs": `#!/usr/bin/env node\n// @smartasync\nasync function f() {\n  return 1;\n}\nconsole.log(f.name);\n`,
        "src/private.mjs": `export const secret = 1;\n`,
        "src/typed.ts": `export function g(): number {\n  return 2;\n}\n`,
        "src/run.sh": `#!/bin/sh\necho hi\n`,
        "src/data.json": `{}\n`,
      });
      chmodSync(join(dir, "src/cli.mjs"), 0o755);
      chmodSync(join(dir, "src/private.mjs"), 0o600);
      chmodSync(join(dir, "src/typed.ts"), 0o640);
      chmodSync(join(dir, "src/run.sh"), 0o750);
      chmodSync(join(dir, "src/data.json"), 0o604);
      const r = cli(["build", "src", "--out-dir", "out", "--compiler", compiler], dir);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const out = (f: string) => mode(join(dir, "out", f));
      expect(out("cli.mjs")).toBe("755");
      expect(out("cli.mjs.map")).toBe("644");
      expect(out("private.mjs")).toBe("600");
      expect(out("private.mjs.map")).toBe("600");
      expect(out("typed.js")).toBe("640");
      expect(out("typed.d.ts")).toBe("640");
      expect(out("run.sh")).toBe("750");
      expect(out("data.json")).toBe("604");
      // A rebuild over the outputs sets the bits again (a source made executable later).
      chmodSync(join(dir, "src/private.mjs"), 0o700);
      expect(cli(["build", "src", "--out-dir", "out", "--compiler", compiler], dir).status).toBe(0);
      expect(out("private.mjs")).toBe("700");
    });
  }
});
