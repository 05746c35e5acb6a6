import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve as resolvePath } from "node:path";

/**
 * Where an import leads (DESIGN §3.6): a source file, resolved like Node and TypeScript do, or
 * an installed package. Pure file-system lookups, cached per directory: every file of a build
 * asks the same questions.
 */
export type Resolution =
  | { kind: "file"; path: string }
  | { kind: "package"; name: string; dir: string; subpath: string; packageJson: Record<string, unknown> };

const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];
/** TS ESM writes `./lib.js` for a `./lib.ts` on disk (fixture modules/js-written-ts-on-disk). */
const JS_TO_TS: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
  ".jsx": [".tsx"],
};

// `throwIfNoEntry: false`: most probes miss, and a thrown ENOENT costs far more than the stat.
function isFile(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isDir(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function asFile(base: string): string | undefined {
  if (isFile(base)) return base;
  const ext = /\.[cm]?jsx?$/.exec(base)?.[0];
  if (ext) {
    for (const ts of JS_TO_TS[ext] ?? []) {
      const p = base.slice(0, -ext.length) + ts;
      if (isFile(p)) return p;
    }
  }
  for (const e of EXTENSIONS) if (isFile(base + e)) return base + e;
  if (isDir(base)) {
    // A directory is its package.json's `main` (`require("..")` from a package's bin/), else its index.
    const main = packageMain(base);
    const viaMain =
      main === undefined || resolvePath(base, main) === base ? undefined : asFile(resolvePath(base, main));
    if (viaMain) return viaMain;
    for (const e of EXTENSIONS) if (isFile(join(base, `index${e}`))) return join(base, `index${e}`);
  }
  return undefined;
}

function packageMain(dir: string): string | undefined {
  const file = join(dir, "package.json");
  if (!isFile(file)) return undefined;
  try {
    const main = (JSON.parse(readFileSync(file, "utf8")) as { main?: unknown }).main;
    return typeof main === "string" ? main : undefined;
  } catch {
    return undefined;
  }
}

interface TsPaths {
  baseUrl: string;
  paths: [pattern: string, targets: string[]][];
}

const tsconfigCache = new Map<string, TsPaths | null>();

function stripJsonComments(text: string): string {
  return (
    text
      // A string is `\x` or a plain character at each step (one way only), and an unclosed string
      // or comment runs to the end: no text is scanned from more than one start (linear).
      .replace(/\\"|"(?:\\[\s\S]|[^"\\])*(?:"|$)|(\/\/.*|\/\*[\s\S]*?(?:\*\/|$))/g, (m, c) => (c ? "" : m))
      .replace(/,(\s*[}\]])/g, "$1")
  );
}

/** `compilerOptions.paths` of the nearest tsconfig.json (no `extends` chain: the common case). */
function tsPaths(dir: string): TsPaths | null {
  const cached = tsconfigCache.get(dir);
  if (cached !== undefined) return cached;
  let found: TsPaths | null = null;
  const file = join(dir, "tsconfig.json");
  if (isFile(file)) {
    try {
      const json = JSON.parse(stripJsonComments(readFileSync(file, "utf8"))) as {
        compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> };
      };
      const co = json.compilerOptions ?? {};
      if (co.paths) found = { baseUrl: resolvePath(dir, co.baseUrl ?? "."), paths: Object.entries(co.paths) };
    } catch {
      found = null;
    }
  } else {
    const up = dirname(dir);
    found = up === dir ? null : tsPaths(up);
  }
  tsconfigCache.set(dir, found);
  return found;
}

function viaPaths(specifier: string, fromDir: string): string | undefined {
  const cfg = tsPaths(fromDir);
  if (!cfg) return undefined;
  for (const [pattern, targets] of cfg.paths) {
    const star = pattern.indexOf("*");
    let rest: string | undefined;
    if (star < 0) rest = pattern === specifier ? "" : undefined;
    else if (specifier.startsWith(pattern.slice(0, star)) && specifier.endsWith(pattern.slice(star + 1))) {
      rest = specifier.slice(star, specifier.length - (pattern.length - star - 1));
    }
    if (rest === undefined) continue;
    for (const t of targets) {
      const hit = asFile(resolvePath(cfg.baseUrl, t.replace("*", rest)));
      if (hit) return hit;
    }
  }
  return undefined;
}

type PackageResolution = Extract<Resolution, { kind: "package" }>;

const packageCache = new Map<string, PackageResolution | null>();

function findPackage(name: string, subpath: string, fromDir: string): PackageResolution | undefined {
  const key = `${fromDir}\0${name}`;
  let pkg = packageCache.get(key);
  if (pkg === undefined) {
    pkg = null;
    for (let dir = fromDir; ; dir = dirname(dir)) {
      const candidate = join(dir, "node_modules", name, "package.json");
      if (isFile(candidate)) {
        try {
          const packageJson = JSON.parse(readFileSync(candidate, "utf8")) as Record<string, unknown>;
          pkg = { kind: "package", name, dir: dirname(candidate), subpath: ".", packageJson };
        } catch {
          pkg = null;
        }
        break;
      }
      if (dirname(dir) === dir) break;
    }
    packageCache.set(key, pkg);
  }
  return pkg ? { ...pkg, subpath } : undefined;
}

const fileCache = new Map<string, string>();

/** Resolves `specifier` as imported from the file `from`; undefined for built-ins and misses. */
export function resolveImport(specifier: string, from: string): Resolution | undefined {
  if (specifier.startsWith("node:")) return undefined;
  const fromDir = dirname(from);
  // Every file of a directory asks the same questions: remember hits, re-check that they exist.
  const key = `${fromDir}\0${specifier}`;
  // The caller stats the file anyway (FactsCache) and calls forgetResolution() if it is gone.
  const known = fileCache.get(key);
  if (known !== undefined) return { kind: "file", path: known };
  const r = resolveUncached(specifier, fromDir);
  if (r?.kind === "file") fileCache.set(key, r.path);
  return r;
}

/** Drops a remembered resolution whose file has disappeared. */
export function forgetResolution(specifier: string, from: string): void {
  fileCache.delete(`${dirname(from)}\0${specifier}`);
}

function resolveUncached(specifier: string, fromDir: string): Resolution | undefined {
  if (specifier.startsWith(".") || isAbsolute(specifier)) {
    const path = asFile(resolvePath(fromDir, specifier));
    return path ? { kind: "file", path } : undefined;
  }
  const mapped = viaPaths(specifier, fromDir);
  if (mapped) return { kind: "file", path: mapped };
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  const rest = specifier.slice(name.length);
  return findPackage(name, rest ? `.${rest}` : ".", fromDir);
}

/** For tests and watch mode: forget what the file system said. */
export function clearResolveCache(): void {
  tsconfigCache.clear();
  packageCache.clear();
  fileCache.clear();
}
