/**
 * File names as URLs, for what `build` writes into its outputs: the `sourceMappingURL` comment and
 * a map's `sources` are URLs relative to the file holding them (the source map specification), so
 * a name with `#` (a fragment), `?` (a query), `%` (an escape) or a leading `x:` (a scheme) named
 * something else, and Node applied no map (attack32 F03; test/cli/source-map-paths.test.ts).
 */

/** One file name (no folders) as a relative URL: every character URLs give a meaning escaped. */
export function urlOfName(name: string): string {
  return encodeURIComponent(name);
}

/**
 * A relative `/`-separated path as a relative URL, escaping only what would change its meaning
 * (`%`, `#`, `?`, and `\\`, a separator in a `file:` URL where it is a file name's character, as
 * on Linux: attack32 F02; a first segment with `:` gets `./`), so the common names read as they are.
 */
export function urlOfPath(path: string): string {
  const url = path.replace(/[%#?\\]/g, (c) => encodeURIComponent(c));
  const first = url.split("/")[0]!;
  return first.includes(":") ? `./${url}` : url;
}
