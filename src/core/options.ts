import { isAbsolute } from "node:path";
import { unknownOption } from "./did-you-mean.js";
import { escapeControls } from "./escape.js";
import type { Unproven } from "./inline.js";
import type { AliasEntry, HostPaths, HostResolve } from "./resolve.js";

/** A sync twin: the export `name` of `module` (default: the awaited API's own module). */
export interface TwinTarget {
  module?: string;
  name: string;
}

/** `twins["my-lib"]["fetchThing"]` names the sync twin of `my-lib`'s export `fetchThing`. */
export type TwinsOption = Record<string, Record<string, string | TwinTarget>>;

/**
 * Twins by name: `true` (default) maps an awaited `x(…)` of a plain module that exports both `x`
 * and `x` + `syncSuffix` to the latter; `false` turns it off; `exclude` lists the modules (as
 * imported, or a package name) it is off for.
 */
export type TwinsByNameOption = boolean | { exclude: string[] };

export interface Options {
  /** Suffix of the sync variant of an async function (`load` → `loadSync`). */
  syncSuffix: string;
  /** Suffix of the async variant of a sync function (`hash` → `hashAsync`). */
  asyncSuffix: string;
  /** Extra sync twins, merged over the built-in table (docs/semantics.md#twins-that-mean-the-same). */
  twins: TwinsOption;
  /** Hand-written twins of plain modules, found by name (docs/modules.md, "Twins by name"). */
  twinsByName: TwinsByNameOption;
  /** Turn warnings into errors. */
  strict: boolean;
  /** Module specifier generated code imports the runtime from. */
  runtime: string;
  /** Directory report paths are relative to (default: the compiler's cwd/root). */
  root: string | undefined;
  /**
   * An awaited value the build cannot prove is not a promise: `"guard"` keeps the sync variant
   * inline with a run-time check, `"worker"` runs the variant on a worker thread instead.
   */
  unproven: Unproven;
  /**
   * Calls of imported smartasync functions find the variant through the callee's marker at run
   * time (`callVariant`), so that a test runner's mock of the module (which has no marker, and
   * may lack `fSync`) is called itself. `smartasync/jest` turns it on; off elsewhere.
   */
  mockable: boolean;
  /**
   * What the host resolves beyond Node (docs/modules.md, "Aliases and conditions"): its aliases
   * (`@/lib.js`) and the conditions the program runs with (`development`), followed by the module
   * graph instead of SA204. The bundler plugins, `smartasync/jest`, `smartasync/register` and the
   * CLI's `--conditions` fill it from their own configuration where it is not given.
   */
  resolve: HostResolve;
}

export const DEFAULT_OPTIONS: Options = {
  syncSuffix: "Sync",
  asyncSuffix: "Async",
  twins: {},
  twinsByName: true,
  strict: false,
  runtime: "smartasync/runtime",
  root: undefined,
  unproven: "guard",
  mockable: false,
  resolve: { alias: [], conditions: [] },
};

const KEYS = Object.keys(DEFAULT_OPTIONS) as (keyof Options)[];

/**
 * SA104. Its message quotes what nobody vetted — an unknown key, the path of the file it came
 * from, JSON.parse's excerpt of a malformed file — and every host prints it (the CLI on stderr,
 * Node for register, Jest, a bundler): it is one line, each control character shown as an escape
 * (core/escape.ts), so a key holding `\n::error …` cannot start a line of a CI log.
 */
export class OptionsError extends Error {
  readonly code = "SA104";
  constructor(message: string) {
    super(`SA104: ${escapeControls(message)}`);
    this.name = "OptionsError";
  }
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

function checkTwins(value: unknown): TwinsOption {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new OptionsError(
      `\`twins\` must be an object mapping a module to { export: twin }, e.g. { "my-lib": { "get": { "module": "my-lib/sync", "name": "getSync" } } }`,
    );
  }
  for (const [mod, table] of Object.entries(value)) {
    if (typeof table !== "object" || table === null || Array.isArray(table)) {
      throw new OptionsError(`\`twins[${JSON.stringify(mod)}]\` must be an object of { export: twin }`);
    }
    for (const [name, twin] of Object.entries(table)) {
      const where = `\`twins[${JSON.stringify(mod)}][${JSON.stringify(name)}]\``;
      if (typeof twin === "string") {
        if (!IDENT.test(twin))
          throw new OptionsError(`${where} must name an export, got ${JSON.stringify(twin)}`);
        continue;
      }
      if (typeof twin !== "object" || twin === null) {
        throw new OptionsError(`${where} must be an export name or { module, name }`);
      }
      const t = twin as Record<string, unknown>;
      for (const k of Object.keys(t)) {
        if (k !== "module" && k !== "name") throw new OptionsError(`${where} has unknown key \`${k}\``);
      }
      if (typeof t.name !== "string" || !IDENT.test(t.name)) {
        throw new OptionsError(`${where}.name must name an export`);
      }
      if (t.module !== undefined && typeof t.module !== "string") {
        throw new OptionsError(`${where}.module must be a module specifier string`);
      }
    }
  }
  return value as TwinsOption;
}

function checkTwinsByName(value: unknown): TwinsByNameOption {
  if (typeof value === "boolean") return value;
  const shape = `\`twinsByName\` must be true, false or { "exclude": ["module", …] }, got ${JSON.stringify(value)}`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new OptionsError(shape);
  for (const k of Object.keys(value)) {
    if (k !== "exclude") throw new OptionsError(`\`twinsByName\` has unknown key \`${k}\`; ${shape}`);
  }
  const exclude = (value as { exclude?: unknown }).exclude;
  if (!Array.isArray(exclude) || exclude.some((m) => typeof m !== "string" || m === ""))
    throw new OptionsError(
      `\`twinsByName.exclude\` must be an array of module specifiers, got ${JSON.stringify(exclude)}`,
    );
  return { exclude: [...exclude] as string[] };
}

const RESOLVE_SHAPE =
  '`resolve` must be { "alias": { "@": "/abs/src" } or [{ "find": "@", "replacement": "/abs/src" }, …], "conditions": ["development", …], "mainFields": ["module", "main"], "extensions": [".js", ".ts", …], "browserField": true, "modules": ["node_modules", "src"], "resolver": "./resolver.cjs", "tsconfigPaths": true, "paths": { "baseUrl": "/abs/dir", "table": { "@lib/*": ["./src/lib/*"] } } }';

/**
 * `resolve`: `alias` as an object (key → path, in order) or an array of `{ find, replacement }`
 * where `find` is a string, a RegExp or `{ "regex": "^@/(.*)$", "flags": "" }` (JSON has no
 * RegExp), kept as the latter, and a replacement a path, a list of paths (tried in order) or
 * `null`; `conditions` a list of condition names; `mainFields` the package.json fields a package
 * without `"exports"` is entered by, `extensions` the extensions tried, in order, `browserField`
 * whether the package.json `"browser"` map is followed (attack28 F06, F12, F11); `modules` the
 * folders a bare specifier is looked for in, `resolver` the host's own resolver, `tsconfigPaths`
 * whether the program runs where tsconfig.json `paths` are followed (attack33 F06), `paths` the
 * table the host applies in their place (attack35 F02)
 * (core/resolve.ts `HostResolve`).
 */
function checkResolve(value: unknown): HostResolve {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new OptionsError(`${RESOLVE_SHAPE}, got ${JSON.stringify(value)}`);
  const out: HostResolve = { alias: [], conditions: [] };
  for (const [k, v] of Object.entries(value)) {
    // smartasync/register's own (a file Node loads by a link's name: attack36 F04), not a user
    // setting: checked, not offered in RESOLVE_SHAPE.
    if (k === "linked") {
      const l = v as { real?: unknown; named?: unknown } | null;
      if (typeof l !== "object" || l === null || typeof l.real !== "string" || typeof l.named !== "string")
        throw new OptionsError(
          `\`resolve.linked\` must be { "real": path, "named": path }, got ${JSON.stringify(v)}`,
        );
      out.linked = { real: l.real, named: l.named };
      continue;
    }
    // smartasync/vite's own (Vite 8's resolve.tsconfigPaths: attack36 F09), not offered either.
    if (k === "pathsFor") {
      if (v !== "vite")
        throw new OptionsError(`\`resolve.pathsFor\` must be "vite", got ${JSON.stringify(v)}`);
      out.pathsFor = v;
      continue;
    }
    if (k === "conditions") {
      if (!Array.isArray(v) || v.some((c) => typeof c !== "string" || c === ""))
        throw new OptionsError(
          `\`resolve.conditions\` must be an array of condition names, got ${JSON.stringify(v)}`,
        );
      out.conditions = [...new Set(v as string[])];
    } else if (k === "alias") {
      out.alias = checkAlias(v);
    } else if (k === "mainFields") {
      if (!Array.isArray(v) || v.some((c) => typeof c !== "string" || c === ""))
        throw new OptionsError(
          `\`resolve.mainFields\` must be an array of package.json field names, got ${JSON.stringify(v)}`,
        );
      out.mainFields = [...new Set(v as string[])];
    } else if (k === "extensions") {
      if (!Array.isArray(v) || v.some((c) => typeof c !== "string" || !/^\.[^\\/]+$/.test(c)))
        throw new OptionsError(
          `\`resolve.extensions\` must be an array of extensions such as ".js", got ${JSON.stringify(v)}`,
        );
      out.extensions = [...new Set(v as string[])];
    } else if (k === "browserField") {
      if (typeof v !== "boolean")
        throw new OptionsError(`\`resolve.browserField\` must be true or false, got ${JSON.stringify(v)}`);
      if (v) out.browserField = true;
    } else if (k === "modules") {
      if (!Array.isArray(v) || v.length === 0 || v.some((m) => typeof m !== "string" || m === ""))
        throw new OptionsError(
          `\`resolve.modules\` must be a non-empty array of folder names or paths, got ${JSON.stringify(v)}`,
        );
      out.modules = [...new Set(v as string[])];
    } else if (k === "resolver") {
      if (typeof v !== "string" || v === "")
        throw new OptionsError(
          `\`resolve.resolver\` must name the host's resolver (a path or a name), got ${JSON.stringify(v)}`,
        );
      out.resolver = v;
    } else if (k === "tsconfigPaths") {
      if (typeof v !== "boolean")
        throw new OptionsError(`\`resolve.tsconfigPaths\` must be true or false, got ${JSON.stringify(v)}`);
      if (v) out.tsconfigPaths = true;
    } else if (k === "paths") {
      // The host applies a table: `paths` are followed (that one), never the type checker's alone.
      out.paths = checkPaths(v);
      out.tsconfigPaths = true;
    } else throw new OptionsError(`\`resolve\` has unknown key \`${k}\`; ${RESOLVE_SHAPE}`);
  }
  return out;
}

/**
 * `resolve.paths`: the `paths` table the host applies in place of tsconfig.json's, with the
 * absolute folder its targets are relative to (smartasync/swc gives SWC's `jsc.paths` so).
 */
function checkPaths(value: unknown): HostPaths {
  const shape = `\`resolve.paths\` must be { "baseUrl": "/abs/dir", "table": { "@lib/*": ["./src/lib/*"] } }, got ${JSON.stringify(value)}`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new OptionsError(shape);
  const { baseUrl, table, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || typeof baseUrl !== "string" || !isAbsolute(baseUrl))
    throw new OptionsError(shape);
  if (typeof table !== "object" || table === null || Array.isArray(table)) throw new OptionsError(shape);
  const out: Record<string, string[]> = {};
  for (const [pattern, targets] of Object.entries(table)) {
    if (!Array.isArray(targets) || targets.some((t) => typeof t !== "string")) throw new OptionsError(shape);
    out[pattern] = [...(targets as string[])];
  }
  return { baseUrl, table: out };
}

function checkAlias(value: unknown): AliasEntry[] {
  const target = (where: string, r: unknown): string | string[] | null => {
    if (r === null || (typeof r === "string" && r !== "")) return r;
    // Candidates tried in order (Jest's `moduleNameMapper` to an array, attack28 F02).
    if (Array.isArray(r) && r.length > 0 && r.every((x) => typeof x === "string" && x !== ""))
      return [...(r as string[])];
    throw new OptionsError(
      `${where} must be a path or module specifier string, or a non-empty list of them, got ${JSON.stringify(r)}`,
    );
  };
  if (typeof value === "object" && value !== null && !Array.isArray(value))
    return Object.entries(value).map(([find, r]) => {
      if (find === "") throw new OptionsError("`resolve.alias` has an empty key");
      return { find, replacement: target(`\`resolve.alias[${JSON.stringify(find)}]\``, r) };
    });
  if (!Array.isArray(value))
    throw new OptionsError(`\`resolve.alias\` must be an object or an array, got ${JSON.stringify(value)}`);
  return value.map((e, i) => {
    const where = `\`resolve.alias[${i}]\``;
    if (typeof e !== "object" || e === null || Array.isArray(e))
      throw new OptionsError(`${where} must be { "find": …, "replacement": … }, got ${JSON.stringify(e)}`);
    for (const k of Object.keys(e))
      if (k !== "find" && k !== "replacement") throw new OptionsError(`${where} has unknown key \`${k}\``);
    const { find, replacement } = e as { find?: unknown; replacement?: unknown };
    const r = target(`${where}.replacement`, replacement);
    if (typeof find === "string" && find !== "") return { find, replacement: r };
    if (find instanceof RegExp) return { find: { regex: find.source, flags: find.flags }, replacement: r };
    if (typeof find === "object" && find !== null) {
      const { regex, flags } = find as { regex?: unknown; flags?: unknown };
      const keys = Object.keys(find).filter((k) => k !== "regex" && k !== "flags");
      if (
        typeof regex === "string" &&
        (flags === undefined || typeof flags === "string") &&
        keys.length === 0
      ) {
        try {
          new RegExp(regex, flags);
        } catch (err) {
          throw new OptionsError(
            `${where}.find is not a valid regular expression: ${(err as Error).message}`,
          );
        }
        return { find: flags ? { regex, flags } : { regex }, replacement: r };
      }
    }
    throw new OptionsError(
      `${where}.find must be a string, a RegExp or { "regex": "…", "flags": "…" }, got ${JSON.stringify(find)}`,
    );
  });
}

/** Validates user options before any traversal; unknown keys get a "did you mean". */
export function validateOptions(input: unknown): Options {
  if (input === undefined || input === null) return { ...DEFAULT_OPTIONS };
  if (typeof input !== "object" || Array.isArray(input)) {
    throw new OptionsError(
      `options must be an object, got ${Array.isArray(input) ? "an array" : typeof input}`,
    );
  }
  const out: Options = { ...DEFAULT_OPTIONS };
  for (const [key, value] of Object.entries(input)) {
    if (!(KEYS as string[]).includes(key)) {
      throw new OptionsError(unknownOption(key, KEYS));
    }
    switch (key as keyof Options) {
      case "syncSuffix":
      case "asyncSuffix":
        if (typeof value !== "string" || !/^[\w$]+$/.test(value)) {
          throw new OptionsError(
            `\`${key}\` must be a non-empty identifier suffix like "Sync", got ${JSON.stringify(value)}`,
          );
        }
        out[key as "syncSuffix" | "asyncSuffix"] = value;
        break;
      case "strict":
      case "mockable":
        if (typeof value !== "boolean")
          throw new OptionsError(`\`${key}\` must be true or false, got ${JSON.stringify(value)}`);
        out[key as "strict" | "mockable"] = value;
        break;
      case "runtime":
        if (typeof value !== "string" || value === "")
          throw new OptionsError("`runtime` must be a module specifier string");
        out.runtime = value;
        break;
      case "root":
        if (value !== undefined && typeof value !== "string")
          throw new OptionsError("`root` must be a directory path string");
        out.root = value as string | undefined;
        break;
      case "twins":
        out.twins = checkTwins(value);
        break;
      case "twinsByName":
        out.twinsByName = checkTwinsByName(value);
        break;
      case "resolve":
        out.resolve = checkResolve(value);
        break;
      case "unproven":
        if (value !== "guard" && value !== "worker")
          throw new OptionsError(`\`unproven\` must be "guard" or "worker", got ${JSON.stringify(value)}`);
        out.unproven = value;
        break;
    }
  }
  if (out.syncSuffix === out.asyncSuffix) {
    throw new OptionsError(`\`syncSuffix\` and \`asyncSuffix\` must differ (both are "${out.syncSuffix}")`);
  }
  return out;
}
