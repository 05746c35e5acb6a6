/**
 * A source whose read would block or never end — a link to `/dev/stdin` (git can store it) while
 * stdin is a pipe that stays open, a FIFO named on the command line, a link to `/dev/zero` — is a
 * located read-error, never opened for reading, and the CLI ends with its exit code (security
 * review 17, finding 5: the per-file budget reported a timeout-error, then the process never
 * exited, its worker stuck in the read). Only regular files are read (SECURITY.md, "How long one
 * file may take").
 */
import { execFileSync, spawn } from "node:child_process";
import { closeSync, openSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, tree } from "../cli/helpers.js";

const ANNOTATED = "// @smartasync\nexport async function a() { return 1; }\n";

interface Ended {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs the CLI with its stdin a pipe that stays open and that nobody writes to (a FIFO this
 * process holds open for writing: a read of it blocks, as of a CI job's stdin); killed (and
 * failed) after `limitMs`.
 */
function run(args: string[], cwd: string, limitMs = 30_000): Promise<Ended> {
  const fifo = join(cwd, "stdin.fifo");
  execFileSync("mkfifo", [fifo]);
  // Read and write: opening a FIFO so does not wait for the other end (Linux).
  const stdin = openSync(fifo, "r+");
  return new Promise((done, fail) => {
    const start = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: [stdin, "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      closeSync(stdin);
      fail(new Error(`still running after ${limitMs} ms:\n${stdout}\n${stderr}`));
    }, limitMs);
    child.on("exit", (status) => {
      clearTimeout(timer);
      closeSync(stdin);
      done({ status, stdout, stderr, ms: Date.now() - start });
    });
  });
}

describe.each(["babel", "swc"])("check --compiler %s reads only regular files", (compiler) => {
  it("a link to /dev/stdin (stdin an open pipe) is a read-error, and the process ends", async () => {
    const dir = tree(`blocking-stdin-${compiler}`, { "src/good.js": ANNOTATED });
    symlinkSync("/dev/stdin", join(dir, "src", "in.js"));
    const r = await run(["check", "src", "--compiler", compiler, "--file-timeout", "20"], dir);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain("src/in.js: cannot read: not a regular file");
    expect(r.stderr).not.toContain("timeout-error");
    expect(r.stdout).toContain("2 files (1 failed)");
    expect(r.ms).toBeLessThan(15_000);
  }, 40_000);

  it("a FIFO named on the command line, and a link to /dev/zero", async () => {
    const dir = tree(`blocking-fifo-${compiler}`, { "src/good.js": ANNOTATED });
    execFileSync("mkfifo", [join(dir, "src", "pipe.js")]);
    symlinkSync("/dev/zero", join(dir, "src", "zero.js"));
    const r = await run(
      ["check", "src/good.js", "src/pipe.js", "src/zero.js", "--compiler", compiler, "--file-timeout", "20"],
      dir,
    );
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain("src/pipe.js: cannot read: not a regular file (a named pipe)");
    expect(r.stderr).toContain("src/zero.js: cannot read: not a regular file (a device)");
    expect(r.ms).toBeLessThan(15_000);
  }, 40_000);
});

describe("build copies only regular files", () => {
  it("a link inside <src> to a FIFO inside <src> is a located cannot-copy, and the build ends", async () => {
    const dir = tree("blocking-build-fifo", { "src/good.js": ANNOTATED, "src/notes.txt": "n\n" });
    execFileSync("mkfifo", [join(dir, "pipe.fifo")]);
    // The FIFO itself is not a file the walk lists; a link to it is (it stays inside <src>).
    execFileSync("mv", [join(dir, "pipe.fifo"), join(dir, "src", "pipe.fifo")]);
    symlinkSync("pipe.fifo", join(dir, "src", "data.txt"));
    const r = await run(["build", "src", "--out-dir", "out", "--file-timeout", "20"], dir);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain("src/data.txt: cannot copy: not a regular file (a named pipe)");
    expect(r.ms).toBeLessThan(15_000);
  }, 40_000);
});
