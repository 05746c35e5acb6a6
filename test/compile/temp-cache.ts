/**
 * For the tests of the on-disk cache: smartasync's cache pointed at a folder of the test's own
 * (`SMARTASYNC_CACHE_DIR`, the cache on), and the environment put back afterwards.
 */
import { resetCacheDir } from "../../src/compile/cache.js";

/** Points the cache at `folder`; the returned function restores the environment as it was. */
export function useTempCache(folder: string): () => void {
  const before = { dir: process.env.SMARTASYNC_CACHE_DIR, off: process.env.SMARTASYNC_CACHE };
  process.env.SMARTASYNC_CACHE_DIR = folder;
  delete process.env.SMARTASYNC_CACHE;
  resetCacheDir();
  return () => {
    for (const [k, v] of [
      ["SMARTASYNC_CACHE_DIR", before.dir],
      ["SMARTASYNC_CACHE", before.off],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    resetCacheDir();
  };
}
