// Every spelling of a call of an imported smartasync function: under smartasync/jest each one
// reaches a jest.mock mock as the plain call does (shapes.automock.test.ts, shapes.factory.test.ts).
import * as settings from "./settings.js";
import { loadSettings, settingsAt } from "./settings.js";

/** Sync code, one call spelling each; each returns the loaded settings' name. */
export const spellings = {
  call: (path: string) => loadSettings.call(undefined, path).name,
  apply: (path: string) => loadSettings.apply(undefined, [path]).name,
  bind: (path: string) => loadSettings.bind(undefined)(path).name,
  optional: (path: string) => loadSettings?.(path).name,
  namespaceOptional: (path: string) => settings.loadSettings?.(path).name,
  // biome-ignore-start lint/complexity/useLiteralKeys: the computed spelling is the case under test
  // biome-ignore-start lint/performance/noDynamicNamespaceImportAccess: as above (a literal key)
  computed: (path: string) => settings["loadSettings"](path).name,
  optionalMember: (path: string) => settings?.loadSettings(path).name,
  computedOptional: (path: string) => settings?.["loadSettings"](path).name,
  // biome-ignore-end lint/performance/noDynamicNamespaceImportAccess: as above
  // biome-ignore-end lint/complexity/useLiteralKeys: as above
  tag: (dir: string) => settingsAt`${dir}/settings.json`.name,
};

// @smartasync
export async function bothNames(path: string): Promise<string> {
  const a = await loadSettings.call(undefined, path); // the sync variant's copy keeps the spelling
  const b = await settings.loadSettings?.(path);
  return `${a.name}+${b?.name}`;
}

/** Sync code that calls the local async function: its sync variant, whose calls reach the mock too. */
export function bothNamesNow(path: string): string {
  return bothNames(path);
}

/** An optional call of a function the mocked module may not provide: short-circuits as written. */
export function nameAt(path: string): string {
  return settingsAt?.(Object.assign([path], { raw: [path] }))?.name ?? "no settingsAt";
}
