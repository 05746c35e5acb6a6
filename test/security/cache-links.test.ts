/**
 * The register/jest compile cache never writes through a folder link planted below its root,
 * and never uses a root another user owns or that group/others may write (finding 8 of the
 * adversarial review: a world-writable cache folder whose shard folder was a link to a folder of
 * the victim's got the victim's entries written there). Real `node --import smartasync/register`
 * processes, real links, real modes; the owner part needs root (it gives a folder away).
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "smartasync-cache-links-"));
  mkdirSync(join(scratch, "node_modules"));
  symlinkSync(root, join(scratch, "node_modules/smartasync"), "dir");
  writeFileSync(join(scratch, "package.json"), '{"name":"p8","type":"module"}\n');
  // The finding's input: an annotated function the program awaits.
  writeFileSync(
    join(scratch, "a.ts"),
    '// @smartasync\nexport async function a(): Promise<number> { return 1; }\nconsole.log("ran", await a());\n',
  );
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(cache: string): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, SMARTASYNC_CACHE_DIR: cache };
  delete env.SMARTASYNC_CACHE;
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ["--import", "smartasync/register", "a.ts"], {
    cwd: scratch,
    encoding: "utf8",
    timeout: 60_000,
    env,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file below `dir`, relative. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1));
}

describe("the compile cache and planted folder links", () => {
  it("does not write through a shard folder that is a link (the entry is not written outside the cache)", () => {
    const probe = join(scratch, "probe");
    const first = run(probe);
    expect(first.stdout).toBe("ran 1\n");
    const [shard] = readdirSync(probe);
    expect(shard).toMatch(/^[0-9a-f]{2}$/);

    const cache = join(scratch, "cache-linked");
    const victim = join(scratch, "victim-dir");
    mkdirSync(cache, { mode: 0o700 });
    mkdirSync(victim);
    symlinkSync("../victim-dir", join(cache, shard!), "dir");
    const r = run(cache);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("ran 1\n");
    expect(files(victim)).toEqual([]);
    // And nothing is read through it either: an entry there is not used (the run recompiles).
    expect(run(cache).stdout).toBe("ran 1\n");
    expect(files(victim)).toEqual([]);
  });

  it("does not use a cache folder group or others may write: one note, no entry, the program runs", () => {
    const cache = join(scratch, "cache-0777");
    mkdirSync(cache);
    chmodSync(cache, 0o777);
    const r = run(cache);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("ran 1\n");
    const notes = r.stderr.split("\n").filter((l) => l.includes("not using the compile cache"));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(JSON.stringify(cache));
    expect(files(cache)).toEqual([]);
  });

  it("names the cache folder escaped in its note", () => {
    const cache = join(scratch, "cache\u001b]0;T\u0007\n::error::x");
    mkdirSync(cache);
    chmodSync(cache, 0o757);
    const r = run(cache);
    expect(r.stdout).toBe("ran 1\n");
    expect(r.stderr).toContain("not using the compile cache");
    for (const raw of ["\u001b", "\u0007", "\n::"]) expect(r.stderr).not.toContain(raw);
    expect(files(cache)).toEqual([]);
  });

  it.runIf(process.getuid?.() === 0)(
    "does not use a cache folder another user owns (root gives it away here)",
    () => {
      const cache = join(scratch, "cache-nobody");
      mkdirSync(cache, { mode: 0o700 });
      chownSync(cache, 65534, 65534);
      const r = run(cache);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe("ran 1\n");
      expect(r.stderr).toContain("not using the compile cache");
      expect(files(cache)).toEqual([]);
    },
  );

  it("still caches in a folder of its own (the control)", () => {
    const cache = join(scratch, "cache-own");
    expect(run(cache).stdout).toBe("ran 1\n");
    expect(files(cache)).toHaveLength(1);
    const r = run(cache);
    expect(r.stdout).toBe("ran 1\n");
    expect(r.stderr).toBe("");
  });
});
