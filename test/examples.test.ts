// The two examples and `npm start`, run as a newcomer would: subprocesses of plain node, with
// finite timeouts. They share examples/*/build and data, so the tests run one after another.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

function run(cmd: string, args: string[], timeout = 40_000): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, {
    cwd: root,
    encoding: "utf8",
    timeout,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The row of a report table that starts with `name` (cells split on runs of spaces). */
function rows(out: string, first: string): string[][] {
  return out
    .split("\n")
    .map((l) => l.trim().split(/\s{2,}/))
    .filter((cells) => cells[0] === first);
}

describe("examples/sync-cli", () => {
  it("builds, runs as a sync program and reports inline and worker variants", () => {
    const { status, out } = run(process.execPath, ["examples/sync-cli/run.mjs"]);
    expect(out).not.toMatch(/Error/);
    expect(status).toBe(0);
    expect(out).toContain("notes: 3 lines, 31 words");
    expect(out).toContain('  | const greet = (name, greeting = "hello") => {');
    expect(out).toContain("  | export default { greet, answer: 6 * 7 };");
    // functions: name, kind, sync variant, strategy
    expect(rows(out, "readConfig")[0]).toEqual(["readConfig", "async", "readConfigSync", "inline"]);
    expect(rows(out, "readText")[0]).toEqual(["readText", "async", "readTextSync", "inline"]);
    expect(rows(out, "loadInputs")[0]).toEqual(["loadInputs", "async", "loadInputsSync", "inline"]);
    expect(rows(out, "formatSnippet")[0]).toEqual(["formatSnippet", "async", "formatSnippetSync", "worker"]);
    // calls in main(): value in sync
    expect(rows(out, "loadInputs")[1]).toEqual(
      expect.arrayContaining(["value", "sync", "sync-inline", "loadInputsSync"]),
    );
    expect(rows(out, "formatSnippet")[1]).toEqual(
      expect.arrayContaining(["value", "sync", "sync-worker", "formatSnippetSync"]),
    );
  });
});

describe("examples/sqlite-server", () => {
  it("runs the admin CLI directly and the server's awaited calls offloaded", () => {
    const { status, out } = run(process.execPath, ["examples/sqlite-server/run.mjs"]);
    expect(status, out).toBe(0);
    expect(out).toMatch(/admin setup \(.* ms, thread 0\):\n {2}\{"users":1000,"orders":200000,/);
    expect(out).toContain('{"id":3,"name":"user 3","email":"user3@example.com","country":"JP","orders":200,');
    expect(out).toMatch(/admin report \(.* ms, thread 0\):\n {2}\{"country":"FR","orders":40000,/);
    expect(out).toMatch(/server listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/GET \/health +200 .*\{"ok":true\}/);
    expect(out).toMatch(/GET \/users +200 .* 10 users/);
    // Offloaded: the query ran on a worker thread (threadId > 0), not on the server's main thread.
    expect(out).toMatch(
      /GET \/users\/3 +200 .*user 3 <user3@example.com>, 200 orders, ran on worker thread [1-9]/,
    );
    expect(out).toMatch(
      /GET \/report +200 .*5 countries \(top FR: 40000 orders\), query \d+ ms on worker thread [1-9]/,
    );
    expect(out).toContain("answered while /report was running");
    expect(out).toContain("server stopped");
    expect(out).toContain("server exited with code 0");
  });

  it("reports offload for the awaited calls and direct for the admin calls", () => {
    const reports = JSON.parse(
      readFileSync(join(root, "examples/sqlite-server/build/smartasync-report.json"), "utf8"),
    ) as { file: string; calls: Record<string, string>[]; diagnostics: unknown[] }[];
    // The calls live in server.js and admin.js; the plugin follows their imports into db.js.
    const calls = reports.flatMap((r) =>
      r.calls.map((c) => `${r.file} ${c.callee} ${c.in} ${c.context} ${c.strategy} ${c.target} ${c.from}`),
    );
    expect(calls).toEqual([
      "server.js listUsers async awaited offload listUsersAsync db.js",
      "server.js getUser async awaited offload getUserAsync db.js",
      "server.js heavyReport async awaited offload heavyReportAsync db.js",
      "admin.js listUsers sync value direct listUsers db.js",
      "admin.js getUser sync value direct getUser db.js",
      "admin.js heavyReport sync value direct heavyReport db.js",
    ]);
    expect(reports.flatMap((r) => r.diagnostics)).toEqual([]);
  });
});

describe("npm start", () => {
  it("builds both examples, prints their reports, runs them and exits 0", () => {
    const { status, out } = run("npm", ["start", "--silent"], 50_000);
    expect(status, out).toBe(0);
    expect(out).not.toContain("\x1b["); // no colour when stdout is not a TTY
    expect(out).toMatch(/examples\/sync-cli +cli\.js +4 functions, 5 calls/);
    expect(out).toMatch(/examples\/sqlite-server +db\.js, server\.js, admin\.js +3 functions, 6 calls/);
    // The report tables: functions, then calls.
    expect(rows(out, "formatSnippet")[0]).toEqual([
      "formatSnippet",
      "async",
      "sync: formatSnippetSync",
      "worker",
      'awaits format(...) at cli.js:39:10, which has no sync twin; name one with the `twins` option: { "prettier": { "format": { "module": "…", "name": "…" } } }',
    ]);
    expect(rows(out, "heavyReport")[0]).toEqual([
      "heavyReport",
      "sync",
      "async: heavyReportAsync",
      "offload",
    ]);
    expect(out).toMatch(/cli\.js:45:29 +loadInputs +value +sync +sync-inline +loadInputsSync/);
    expect(out).toMatch(/server\.js:\d+:\d+ +heavyReport +awaited +async +offload +heavyReportAsync/);
    expect(out).toMatch(/admin\.js:\d+:\d+ +getUser +value +sync +direct +getUser/);
    // smartasync/swc decided the same on the same sources.
    expect(out).toMatch(/examples\/sync-cli +✓ same report as Babel/);
    expect(out).toMatch(/examples\/sqlite-server +✓ same report as Babel/);
    // Example 1 ran, then example 2.
    expect(out).toContain("│   | export default { greet, answer: 6 * 7 };");
    expect(out).toMatch(/│ admin user 3 \(.* ms, thread 0\):/);
    expect(out).toMatch(/│ {3}GET \/report +200 .* on worker thread [1-9]/);
    expect(out).toContain("│   server exited with code 0");
    expect(out).toMatch(/✓ done in \d+\.\d s/);
  });
});

describe("examples/library", () => {
  it("ships a compiled package with its manifest, and an app gets the right variants from it", () => {
    const { status, out } = run(process.execPath, ["examples/library/run.mjs"]);
    expect(status).toBe(0);
    expect(out).toContain(
      '"greet":{"name":"greet","kind":"async","variant":"greetSync","syncStrategy":"inline","params":[{"use":"awaited"},{"use":"awaited"}]}',
    );
    expect(out).toContain("greet (greet-lib)  value in sync -> sync-inline greetSync");
    expect(out).toContain("wordCount (greet-lib)  awaited in async -> offload wordCountAsync");
    expect(out).toContain("Bonjour, Ada! (2 words)");
    expect(out).toContain("Ciao, Bob! (2 words, counted off the event loop)");
  });
});

describe("examples/typescript", () => {
  it("type-checks strictly, builds with .d.ts files that type the generated variants, and runs", () => {
    const { status, out } = run(process.execPath, ["examples/typescript/run.mjs"], 90_000);
    expect(status, out).toBe(0);
    expect(out).toContain("tsc --noEmit (strict): ok");
    expect(out).not.toContain("declarations:");
    expect(out).toContain("export declare const loadUser: _sa.SmartAsync<[id: number], User>;");
    expect(out).toContain("export declare const loadUserSync: (id: number) => User;");
    expect(out).toContain("export declare function teamOfSync(id: number): string;");
    expect(out).toContain(
      "export declare function fingerprintAsync(...args: Parameters<typeof fingerprint>)",
    );
    expect(out).toContain("sync:  Ada (engines) score 30 fingerprint e1a308b5");
    expect(out).toContain("async: Grace (compilers) score 50 fingerprint 73b6a765");
    expect(out).toContain("error: RangeError: no user 9");
  });
});
