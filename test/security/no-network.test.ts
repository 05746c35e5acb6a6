/**
 * The compilers do not use the network (SECURITY.md, "The compilers"): a project that imports a
 * package (read for its manifest and for twins by name), a relative module and Node's built-ins
 * is compiled — Babel 8 with the plugin and smartasync/swc in one process, then `check` under
 * both compilers, its files compiled in its own thread (`--file-timeout 0`) — in Node processes
 * whose every way out (TCP/IPC sockets, DNS, UDP, HTTP(S), `fetch`, WebSocket) records the
 * attempt and throws. The compile must succeed with the call rewritten, and nothing is recorded.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, tree } from "../cli/helpers.js";

/** Preloaded with `--import`: every network entry point records and throws. */
const GUARD = `
import { appendFileSync } from "node:fs";
import dgram from "node:dgram";
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
const log = process.env.NET_LOG;
const deny = (what) => function () {
  appendFileSync(log, what + "\\n");
  throw new Error("network use refused: " + what);
};
net.Socket.prototype.connect = deny("net.Socket#connect");
net.connect = net.createConnection = deny("net.connect");
net.createServer = deny("net.createServer");
for (const k of ["lookup", "resolve", "resolve4", "resolve6", "resolveAny"]) dns[k] = deny("dns." + k);
for (const k of ["lookup", "resolve", "resolve4", "resolve6"]) dns.promises[k] = deny("dns.promises." + k);
dgram.createSocket = deny("dgram.createSocket");
http.request = http.get = deny("http.request");
https.request = https.get = deny("https.request");
globalThis.fetch = deny("fetch");
if (globalThis.WebSocket) globalThis.WebSocket = deny("WebSocket");
`;

const FILES: Record<string, string> = {
  "package.json": '{ "type": "module" }\n',
  // A package without a manifest that ships a hand-written twin: read for twins by name.
  "node_modules/locate/package.json":
    '{ "name": "locate", "version": "1.0.0", "type": "module", "exports": "./index.js" }\n',
  "node_modules/locate/index.js":
    "export async function locate(p) { return p; }\nexport function locateSync(p) { return p; }\n",
  "lib.js":
    "// @smartasync\nexport async function load(p) {\n  return await readFile(p, 'utf8');\n}\nimport { readFile } from 'node:fs/promises';\n",
  "main.js": `import { locate } from "locate";
import { load } from "./lib.js";

// @smartasync
export async function find(p) {
  return await locate(p);
}

export function run() {
  // Read where they are made (a returned array of the calls would be handed on as written).
  return \`\${load("x")} \${find("y")}\`;
}
`,
};

const COMPILE = `
import { readFileSync } from "node:fs";
import * as babel from "@babel/core";
import smartasync from "smartasync/babel";
import { transformSync } from "smartasync/swc";
const file = process.argv[2];
const code = readFileSync(file, "utf8");
const b = babel.transformSync(code, { filename: file, babelrc: false, configFile: false, plugins: [[smartasync, {}]] });
const s = transformSync(code, { filename: file, jsc: { parser: { syntax: "ecmascript" }, target: "es2022" } });
console.log(JSON.stringify([b.code.includes("loadSync("), s.code.includes("loadSync("), b.code.includes("locateSync(")]));
`;

describe("the compilers do not use the network", () => {
  const dir = tree("security-no-network", FILES);
  const guard = join(dir, "guard.mjs");
  writeFileSync(guard, GUARD);
  // Inside the package, so `smartasync/babel` resolves to the built package by its own name.
  const script = join(import.meta.dirname, "..", "..", ".tmp", "no-network-compile.mjs");
  writeFileSync(script, COMPILE);
  const log = join(dir, "net.log");
  const run = (args: string[]) =>
    spawnSync(process.execPath, ["--import", guard, ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NET_LOG: log, FORCE_COLOR: "0" },
      timeout: 120_000,
    });

  it("the guard refuses and records (it is live)", () => {
    const r = run([
      "-e",
      "for (const f of [() => fetch('http://127.0.0.1:9'), () => require('node:net').connect(9)]) try { f() } catch {}",
    ]);
    expect(r.status).toBe(0);
    expect(readFileSync(log, "utf8")).toBe("fetch\nnet.connect\n");
    writeFileSync(log, "");
  });

  it("Babel 8 with the plugin and smartasync/swc compile with no network use", () => {
    writeFileSync(log, "");
    const r = run([script, join(dir, "main.js")]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual([true, true, true]);
    expect(readFileSync(log, "utf8")).toBe("");
  });

  for (const compiler of ["babel", "swc"]) {
    it(`check --compiler ${compiler} --file-timeout 0 uses no network`, () => {
      writeFileSync(log, "");
      const r = run([BIN, "check", "main.js", "lib.js", "--compiler", compiler, "--file-timeout", "0"]);
      expect(r.status, r.stderr).toBe(0);
      expect(existsSync(log) ? readFileSync(log, "utf8") : "").toBe("");
    });
  }
});
