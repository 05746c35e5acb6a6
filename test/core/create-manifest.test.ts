// createManifest (smartasync/babel) writes what importers trust: a name it cannot follow must
// stop it, not vanish from the manifest (importers would take it for plain JavaScript).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as babel from "@babel/core";
import { describe, expect, it } from "vitest";
import { createManifest } from "../../src/babel-plugin/index.js";

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "sa-manifest-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const LIB = "// @smartasync\nexport async function load(p) { return p; }\n";

describe("createManifest", () => {
  it("lists the annotated functions an entry re-exports", () => {
    const dir = project({ "lib.js": LIB, "index.js": 'export { load } from "./lib.js";\n' });
    const manifest = createManifest(babel as never, { ".": join(dir, "index.js") });
    expect(Object.keys(manifest.exports?.["."] ?? {})).toEqual(["load"]);
  });

  it("refuses an entry with a re-export it cannot follow, naming the export", () => {
    const dir = project({
      "lib.js": LIB,
      "index.js": 'export { load } from "./lib.js";\nexport { save } from "./missing.js";\n',
    });
    expect(() => createManifest(babel as never, { ".": join(dir, "index.js") })).toThrow(
      /index\.js re-exports save from \.\/missing\.js, which cannot be found \(export "save"\)/,
    );
  });

  it("refuses an entry that cannot be read", () => {
    const dir = project({});
    expect(() => createManifest(babel as never, { ".": join(dir, "nope.js") })).toThrow(/nope\.js/);
  });
});
