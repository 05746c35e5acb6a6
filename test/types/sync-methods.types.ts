// Type tests of `syncMethods` (docs/runtime.md): the sync face of a factory's object of methods.
// Checked by `tsc --noEmit` and test/types.test.ts; each `@ts-expect-error` must be an error.
import { type SyncMethods, syncMethods } from "../../src/runtime/index.js";

interface Result {
  filepath: string;
  config: unknown;
}

function createLoader(name: string) {
  return {
    name,
    async search(from: string): Promise<Result | null> {
      return from ? { filepath: from, config: name } : null;
    },
    async load(filepath: string): Promise<Result> {
      return { filepath, config: name };
    },
    clearCaches(): void {},
  };
}

export const createLoaderSync = (name: string): SyncMethods<ReturnType<typeof createLoader>> =>
  syncMethods(createLoader(name));

export function use(): string {
  const loader = createLoaderSync("demo");
  const found: Result | null = loader.search("/a"); // the value, not a promise
  const loaded: Result = loader.load("/a/.demorc");
  loader.clearCaches();
  const label: string = loader.name;
  // @ts-expect-error: a sync method returns the value, which has no `then`
  loader.load("/a").then(() => {});
  // @ts-expect-error: the parameters stay the method's own
  loader.load(42);
  return `${found?.filepath}${loaded.filepath}${label}`;
}
