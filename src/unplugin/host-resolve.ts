/**
 * What each bundler resolves beyond Node, read from its own configuration into smartasync's
 * `resolve` option (docs/integrations.md#aliases-and-conditions; attack26 F11/F05): its aliases
 * and the conditions it matches. An alias smartasync cannot follow the way the tool does (a custom
 * resolver, several candidates, a relative target the tool reads from each importer) is kept with
 * `replacement: null`, so an import through it is SA204 naming the alias, not a silent plain call.
 */
import { resolve } from "node:path";
import { type AliasEntry, givenConfigPaths, type HostPaths, type HostResolve } from "../core/resolve.js";

/** Node's own conditions: matched anyway (core/resolve.ts), not worth a place in the option. */
const NODE_CONDITIONS = new Set(["import", "require", "node", "node-addons", "default", "module-sync"]);

function conditions(list: readonly unknown[]): string[] {
  return [
    ...new Set(list.filter((c): c is string => typeof c === "string" && c !== "" && !NODE_CONDITIONS.has(c))),
  ];
}

function regexEntry(find: RegExp, replacement: string | null): AliasEntry {
  return {
    find: find.flags ? { regex: find.source, flags: find.flags } : { regex: find.source },
    replacement,
  };
}

/**
 * A target smartasync reads as the tool does: absolute, a package, or (`relative`: Vite, Jest)
 * a path from the importing file; else not followed.
 */
function pathTarget(target: unknown, relative: boolean): string | null {
  if (typeof target !== "string" || target === "") return null;
  return target.startsWith(".") && !relative ? null : target;
}

/**
 * A target, or a list of them tried in order, the first that names a file winning (Jest's
 * `moduleNameMapper` to an array of paths, attack28 F02; webpack's `resolve.alias` to an array,
 * its fallbacks): one candidate, the list, or `null` where one of them is not followed.
 */
function pathTargets(value: unknown, relative: boolean): AliasEntry["replacement"] {
  const targets = (Array.isArray(value) ? (value as unknown[]) : [value]).map((t) => pathTarget(t, relative));
  if (targets.length === 0 || targets.some((t) => t === null)) return null;
  return targets.length === 1 ? targets[0]! : (targets as string[]);
}

/**
 * Vite's resolved `resolve.alias` (an array of `{ find, replacement, customResolver }`) and
 * conditions: `resolve.conditions` (Vite 6's `development|production` placeholder filled in), the
 * mode's own (`development` or `production`, which Vite always matches) and `browser` for a
 * client build. A relative replacement is read from the importing file, as Vite reads it.
 */
export function viteResolve(
  config: {
    resolve?: {
      alias?: unknown;
      conditions?: unknown;
      mainFields?: unknown;
      extensions?: unknown;
      tsconfigPaths?: unknown;
    };
    plugins?: readonly unknown[];
    ssr?: { resolve?: { conditions?: unknown } };
    environments?: Record<string, { resolve?: { mainFields?: unknown; extensions?: unknown } }>;
    isProduction?: boolean;
  },
  client: boolean,
): HostResolve {
  const alias: AliasEntry[] = [];
  const list = config.resolve?.alias;
  const entries = Array.isArray(list)
    ? (list as { find?: unknown; replacement?: unknown; customResolver?: unknown }[])
    : typeof list === "object" && list !== null
      ? Object.entries(list).map(([find, replacement]) => ({ find, replacement, customResolver: undefined }))
      : [];
  for (const e of entries) {
    const replacement = e.customResolver ? null : pathTarget(e.replacement, true);
    if (e.find instanceof RegExp) alias.push(regexEntry(e.find, replacement));
    else if (typeof e.find === "string" && e.find !== "") alias.push({ find: e.find, replacement });
  }
  const mode = config.isProduction ? "production" : "development";
  // An SSR build matches the SSR environment's conditions.
  const own = client
    ? config.resolve?.conditions
    : (config.ssr?.resolve?.conditions ?? config.resolve?.conditions);
  const given = Array.isArray(own) ? (own as unknown[]) : [];
  // The build's environment's `mainFields` and `extensions` (Vite 6+: `environments.client`,
  // `environments.ssr`; before, `resolve`), defaults applied by Vite: `browser, module, …` for a
  // client build, `module, …` for SSR, and `.mjs .js .mts .ts …` (attack28 F06, F12). The
  // `"browser"` map is followed where `browser` is among the main fields, as Vite follows it (F11).
  const env = config.environments?.[client ? "client" : "ssr"]?.resolve ?? config.resolve;
  // Vite 5 has one list for both; its SSR build leaves `browser` out.
  const mainFields = strings(env?.mainFields ?? config.resolve?.mainFields)?.filter(
    (f) => client || f !== "browser",
  );
  const extensions = strings(env?.extensions ?? config.resolve?.extensions);
  return {
    alias,
    conditions: conditions([
      ...given.map((c) => (c === "development|production" ? mode : c)),
      mode,
      ...(client ? ["browser"] : []),
    ]),
    ...fields(mainFields, extensions, mainFields?.includes("browser") === true),
    // tsconfig.json `paths`, followed by Vite's own `resolve.tsconfigPaths` (Vite 8) or the
    // vite-tsconfig-paths plugin; else they are the type checker's (attack33 F06). Vite's own
    // reads no jsconfig.json, and a JavaScript importer's only with `allowJs` (attack36 F09).
    ...(config.plugins?.some((p) => (p as { name?: unknown } | null)?.name === "vite-tsconfig-paths")
      ? { tsconfigPaths: true }
      : config.resolve?.tsconfigPaths === true
        ? { tsconfigPaths: true, pathsFor: "vite" as const }
        : {}),
  };
}

/** A list of non-empty strings, or undefined where `v` is none. */
function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === "string" && x !== "") ? (v as string[]) : undefined;
}

/**
 * The host's `mainFields`, `extensions` and `"browser"` map, as the `resolve` option keeps them:
 * `mainFields` only where they read another field than Node's `"main"` first, extensions only
 * those smartasync checks the syntax of (a `.json` or `.css` file holds no smartasync function).
 */
function fields(
  mainFields: string[] | undefined,
  extensions: string[] | undefined,
  browserField: boolean,
): Pick<HostResolve, "mainFields" | "extensions" | "browserField"> {
  return {
    ...(mainFields && mainFields.length > 0 && mainFields[0] !== "main" ? { mainFields } : {}),
    ...(extensions && extensions.length > 0 ? { extensions } : {}),
    ...(browserField ? { browserField: true } : {}),
  };
}

/**
 * webpack's `resolve.alias` (an object, a `name$` key matching the specifier only, or an array
 * of `{ name, alias, onlyModule }`) and `resolve.conditionNames` (its defaults applied). An alias
 * to several paths is their candidate list; one to `false` (an empty module) or to a relative
 * path (alone or in a list) is not followed.
 */
export function webpackResolve(
  resolveOptions:
    | {
        alias?: unknown;
        conditionNames?: unknown;
        mainFields?: unknown;
        extensions?: unknown;
        aliasFields?: unknown;
        byDependency?: {
          [type: string]: { mainFields?: unknown; extensions?: unknown; aliasFields?: unknown };
        };
      }
    | undefined,
): HostResolve {
  const alias: AliasEntry[] = [];
  const raw = resolveOptions?.alias;
  const entries: { name: string; alias: unknown; onlyModule?: boolean }[] = Array.isArray(raw)
    ? (raw as { name: string; alias: unknown; onlyModule?: boolean }[])
    : typeof raw === "object" && raw !== null
      ? Object.entries(raw).map(([name, a]) =>
          name.endsWith("$") ? { name: name.slice(0, -1), alias: a, onlyModule: true } : { name, alias: a },
        )
      : [];
  for (const e of entries) {
    if (typeof e.name !== "string" || e.name === "") continue;
    // An array is webpack's fallbacks, tried in order (the first that resolves wins): followed as
    // Jest's candidate lists are (test/integrations/bundlers.test.ts).
    const replacement = pathTargets(e.alias, false);
    if (e.onlyModule)
      alias.push({ find: { regex: `^${e.name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$` }, replacement });
    else alias.push({ find: e.name, replacement });
  }
  const names = Array.isArray(resolveOptions?.conditionNames)
    ? (resolveOptions.conditionNames as unknown[])
    : [];
  // What an ES import resolves with: webpack's defaults by target sit in `byDependency.esm`
  // (`module` before `main`, `browser` first and the `"browser"` map for a web target; its
  // extensions), a `"..."` standing for the top-level value, which a value of yours replaces
  // (attack28 F06, F11, F12).
  const esm = resolveOptions?.byDependency?.esm;
  const merged = (key: "mainFields" | "extensions" | "aliasFields"): unknown[] | undefined => {
    const top = resolveOptions?.[key];
    const own = esm?.[key] ?? top;
    if (!Array.isArray(own)) return undefined;
    return own.flatMap((x: unknown) => (x === "..." ? (Array.isArray(top) ? top : []) : [x]));
  };
  const aliasFields = merged("aliasFields") ?? [];
  return {
    alias,
    conditions: conditions(names),
    ...fields(
      strings(merged("mainFields")),
      strings(merged("extensions")),
      aliasFields.some((f) => f === "browser" || (Array.isArray(f) && f.length === 1 && f[0] === "browser")),
    ),
  };
}

/**
 * esbuild's `alias` (a package name, matched itself or before a `/`; a relative target is read
 * from `absWorkingDir`, as esbuild reads it) and `conditions`.
 */
export function esbuildResolve(
  options: {
    alias?: Record<string, string>;
    conditions?: string[];
    absWorkingDir?: string;
    mainFields?: string[];
    resolveExtensions?: string[];
    platform?: string;
    bundle?: boolean;
    external?: string[];
    tsconfig?: string;
    tsconfigRaw?: unknown;
  },
  cwd: string,
): HostResolve {
  const alias: AliasEntry[] = Object.entries(options.alias ?? {}).map(([find, to]) => ({
    find,
    replacement:
      typeof to !== "string" || to === ""
        ? null
        : to.startsWith("./") || to.startsWith("../")
          ? resolve(options.absWorkingDir ?? cwd, to)
          : to,
  }));
  // esbuild's `mainFields` (its default by platform: `browser, module, main` for the browser,
  // the default platform, `main, module` for node, none for neutral), `resolveExtensions`
  // (`.tsx .ts .jsx .js .css .json`) and, for the browser, the `"browser"` map (attack28 F06,
  // F11, F12).
  const platform = options.platform ?? "browser";
  const mainFields =
    options.mainFields ??
    (platform === "browser" ? ["browser", "module", "main"] : platform === "node" ? ["main", "module"] : []);
  return {
    alias,
    conditions: conditions(options.conditions ?? []),
    ...fields(
      strings(mainFields),
      strings(options.resolveExtensions ?? [".tsx", ".ts", ".jsx", ".js", ".css", ".json"]),
      platform === "browser",
    ),
    // A bundle follows the nearest tsconfig.json's `paths` (with `packages: "external"` too,
    // which esbuild applies after them, measured with esbuild 0.28), but an `external` entry
    // keeps an import as written before they are read: then they are not known to be followed
    // (attack33 F06). smartasync's own runtime, often external, is no target of them.
    ...(options.bundle === true &&
    (options.external ?? []).every((e) => e === "smartasync" || e.startsWith("smartasync/"))
      ? { tsconfigPaths: true, ...esbuildPaths(options, cwd) }
      : {}),
  };
}

/**
 * The `paths` table esbuild applies in place of the nearest tsconfig.json's: that of the
 * `tsconfig` file it is given, or of `tsconfigRaw` (an object or its text), whose relative
 * `baseUrl`, `paths` and `extends` esbuild reads from `absWorkingDir` (measured with esbuild 0.28;
 * without `paths` there, it applies none). Given both, esbuild refuses the build.
 */
function esbuildPaths(
  options: { absWorkingDir?: string; tsconfig?: string; tsconfigRaw?: unknown },
  cwd: string,
): { paths?: HostPaths } {
  const dir = options.absWorkingDir ?? cwd;
  if (options.tsconfigRaw !== undefined)
    return { paths: givenConfigPaths({ json: options.tsconfigRaw, dir }) };
  if (typeof options.tsconfig === "string")
    return { paths: givenConfigPaths({ file: resolve(dir, options.tsconfig) }) };
  return {};
}

/**
 * Jest's normalised config: its `moduleNameMapper` (pairs of a regular expression's source and a
 * target with `$1`…, `<rootDir>` already filled in; a target of several paths is tried in order,
 * the first that names a file winning, as Jest tries them: attack28 F02), the folders it looks
 * for a bare specifier in (`moduleDirectories`, then `modulePaths`: attack28 F03) and the test
 * environment's `customExportConditions`.
 */
export function jestResolve(config: {
  moduleNameMapper?: unknown;
  moduleDirectories?: unknown;
  modulePaths?: unknown;
  resolver?: unknown;
  testEnvironmentOptions?: { customExportConditions?: unknown };
}): HostResolve {
  const alias: AliasEntry[] = [];
  const pairs = Array.isArray(config.moduleNameMapper) ? (config.moduleNameMapper as unknown[]) : [];
  for (const pair of pairs) {
    if (!Array.isArray(pair) || typeof pair[0] !== "string") continue;
    try {
      new RegExp(pair[0]);
    } catch {
      continue;
    }
    alias.push({ find: { regex: pair[0] }, replacement: pathTargets(pair[1], true) });
  }
  const custom = config.testEnvironmentOptions?.customExportConditions;
  const out: HostResolve = { alias, conditions: conditions(Array.isArray(custom) ? custom : []) };
  // Jest's default, `["node_modules"]`, is Node's own lookup: nothing to give.
  const folders = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((m): m is string => typeof m === "string" && m !== "") : [];
  const dirs = folders(config.moduleDirectories);
  const paths = folders(config.modulePaths);
  const modules = [...(dirs.length ? dirs : ["node_modules"]), ...paths];
  if (modules.length !== 1 || modules[0] !== "node_modules") out.modules = [...new Set(modules)];
  // A custom resolver: what smartasync cannot find is SA204 naming it (attack28 F03).
  if (typeof config.resolver === "string" && config.resolver !== "") out.resolver = config.resolver;
  return out;
}
