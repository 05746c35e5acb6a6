/**
 * A build killed mid-write (SIGKILL, a real process) leaves a temporary file in the out-dir
 * (out-dir.ts writes a file beside its target, then renames it over it); the next build removes
 * it — and nothing else: a user's files, even ones named like ours, and a temporary file of a
 * build still running stay.
 *
 * Where the kill lands: a module preloaded into the CLI with `--import` (so into its worker
 * threads too, which inherit it) wraps `fs.renameSync` and kills the whole process with SIGKILL
 * at the third rename of one of our temporary files in a thread — after the temporary file is
 * written, before it is renamed: the one moment that leaves it behind. Nothing else is changed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, TMP } from "./helpers.js";

const KILL_ON_RENAME = `import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
const rename = fs.renameSync;
let renames = 0;
fs.renameSync = function (from, to) {
  if (String(from).endsWith(".smartasync-tmp") && ++renames === 3) process.kill(process.pid, "SIGKILL");
  return rename.call(this, from, to);
};
// The named imports of node:fs (out-dir.ts's renameSync) follow the change.
syncBuiltinESMExports();
`;

function build(dir: string, out: string, preload?: string) {
  const env: Record<string, string | undefined> = { ...process.env, SMARTASYNC_CACHE: "0" };
  delete env.NODE_OPTIONS;
  const r = spawnSync(
    process.execPath,
    [
      ...(preload ? ["--import", preload] : []),
      BIN,
      "build",
      "src",
      "--out-dir",
      out,
      "--compiler",
      "swc",
      "--jobs",
      "2",
      "--no-declarations",
    ],
    { cwd: dir, encoding: "utf8", env, timeout: 60_000 },
  );
  if (r.error) throw r.error;
  return r;
}

/** Every file under `dir` (relative path → text). */
function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out;
}

const temps = (all: Map<string, string>) => [...all.keys()].filter((f) => f.endsWith(".smartasync-tmp"));

describe("a build killed mid-write", () => {
  it("leaves a temporary file that the next build removes, and nothing else is removed", () => {
    const dir = join(TMP, "killed-build");
    rmSync(dir, { recursive: true, force: true });
    for (const folder of ["a", "b"]) {
      mkdirSync(join(dir, "src", folder), { recursive: true });
      for (let i = 0; i < 12; i++) {
        const text =
          i % 3 === 0
            ? `// @smartasync\nexport async function load${i}(p) {\n  return p + ${i};\n}\n`
            : `import { load0 } from "./f0.js";\nexport function use${i}() {\n  return load0(${i}).toFixed();\n}\n`;
        writeFileSync(join(dir, "src", folder, `f${i}.js`), text);
      }
    }
    writeFileSync(join(dir, "package.json"), '{ "name": "killed", "type": "module" }\n');
    writeFileSync(join(dir, "kill-on-rename.mjs"), KILL_ON_RENAME);

    // The user's files in the out-dir, some named like ours: none is removed.
    const out = join(dir, "out");
    const mine = {
      "a/notes.smartasync-tmp": "mine\n",
      "a/.draft.smartasync-tmp": "mine\n",
      "a/.0123456789ab.smartasync-tmp.bak": "mine\n",
      "c/.99999999-0123456789ab.smartasync-tmp": "in a folder build does not write\n",
      // A build running now (this process, alive) is about to rename this one: left to it.
      [`b/.${process.pid}-0123456789ab.smartasync-tmp`]: "a live build's\n",
    };
    for (const [f, text] of Object.entries(mine)) {
      mkdirSync(join(out, f, ".."), { recursive: true });
      writeFileSync(join(out, f), text);
    }
    // An earlier version's name (no process id), an hour old: stale whoever wrote it.
    const old = join(out, "a", ".abcdefabcdef.smartasync-tmp");
    writeFileSync(old, "left by an old build\n");
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(old, hourAgo, hourAgo);

    const killed = build(dir, "out", "./kill-on-rename.mjs");
    expect(killed.signal).toBe("SIGKILL");
    const left = temps(files(out)).filter((f) => !(f in mine) && join(out, f) !== old);
    expect(left.length, "the killed build left a temporary file").toBeGreaterThan(0);

    const again = build(dir, "out");
    expect(again.stderr).toBe("");
    expect(again.status).toBe(0);
    const after = files(out);
    // Ours are gone, the old one too; the user's and the live build's are there as they were.
    expect(temps(after).sort()).toEqual(
      Object.keys(mine)
        .filter((f) => f.endsWith(".smartasync-tmp"))
        .sort(),
    );
    for (const [f, text] of Object.entries(mine)) expect(after.get(f), f).toBe(text);
    expect(existsSync(old)).toBe(false);

    // And the output is what a build into an empty folder writes.
    expect(build(dir, "clean").status).toBe(0);
    const clean = files(join(dir, "clean"));
    for (const f of Object.keys(mine)) after.delete(f);
    expect(after).toEqual(clean);
  }, 120_000);
});
