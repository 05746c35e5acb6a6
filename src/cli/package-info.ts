/** The smartasync package's own name, version and documentation base, read from its package.json. */
import { readFileSync } from "node:fs";

interface PackageJson {
  name: string;
  version: string;
  homepage?: string;
  repository?: string | { url?: string };
}

let cached: PackageJson | undefined;

export function ownPackage(): PackageJson {
  cached ??= JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as PackageJson;
  return cached;
}

/**
 * Absolute URL of a page under docs/ in the source repository, when package.json names one
 * (`repository` on GitHub); `undefined` otherwise (SARIF needs absolute URIs).
 */
export function docsUrl(page: string, anchor?: string): string | undefined {
  const pkg = ownPackage();
  const repo = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
  // Anchored after the host (an unanchored `…$` pattern retries from every position).
  const at = repo ? repo.indexOf("github.com") : -1;
  const tail = repo && at >= 0 ? repo.slice(at + "github.com".length) : "";
  const m = /^[/:]([^/]+\/[^/#]+?)(\.git)?$/.exec(tail);
  if (!m) return undefined;
  return `https://github.com/${m[1]}/blob/main/docs/${page}${anchor ? `#${anchor}` : ""}`;
}
