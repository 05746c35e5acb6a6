import { describe, expect, it } from "vitest";
import { DEFAULT_OPTIONS, validateOptions } from "../../src/core/options.js";

describe("validateOptions", () => {
  it("fills defaults", () => {
    expect(validateOptions(undefined)).toEqual(DEFAULT_OPTIONS);
    expect(validateOptions({ strict: true }).strict).toBe(true);
  });

  it("rejects unknown keys with a suggestion", () => {
    expect(() => validateOptions({ syncSufix: "X" })).toThrow(
      /SA104: unknown option `syncSufix`; did you mean `syncSuffix`\?/,
    );
    expect(() => validateOptions({ stricts: true })).toThrow(/did you mean `strict`/);
    expect(() => validateOptions({ zzzzzzzz: 1 })).toThrow(/unknown option `zzzzzzzz`. Known options/);
  });

  it("rejects wrong types and equal suffixes", () => {
    expect(() => validateOptions({ strict: "yes" })).toThrow(/`strict` must be true or false/);
    expect(() => validateOptions({ syncSuffix: "" })).toThrow(/syncSuffix/);
    expect(() => validateOptions({ syncSuffix: "X", asyncSuffix: "X" })).toThrow(/must differ/);
    expect(() => validateOptions([])).toThrow(/options must be an object, got an array/);
  });

  it("validates the twins table", () => {
    const twins = { "my-lib": { get: { module: "my-lib/sync", name: "getSync" }, put: "putSync" } };
    expect(validateOptions({ twins }).twins).toEqual(twins);
    expect(() => validateOptions({ twins: { "my-lib": { get: { name: "not an id" } } } })).toThrow(
      /must name an export/,
    );
    expect(() => validateOptions({ twins: { "my-lib": { get: { nam: "x" } } } })).toThrow(
      /unknown key `nam`/,
    );
    expect(() => validateOptions({ twins: [] })).toThrow(/`twins` must be an object/);
  });

  it("validates resolve: aliases in their normal form, conditions (attack26 F11)", () => {
    expect(validateOptions(undefined).resolve).toEqual({ alias: [], conditions: [] });
    expect(validateOptions({ resolve: { alias: { "@": "/src", "~": null } } }).resolve.alias).toEqual([
      { find: "@", replacement: "/src" },
      { find: "~", replacement: null },
    ]);
    expect(
      validateOptions({ resolve: { alias: [{ find: /^@\/(.*)$/i, replacement: "/src/$1" }] } }).resolve.alias,
    ).toEqual([{ find: { regex: "^@\\/(.*)$", flags: "i" }, replacement: "/src/$1" }]);
    expect(validateOptions({ resolve: { conditions: ["development", "development"] } }).resolve).toEqual({
      alias: [],
      conditions: ["development"],
    });
    expect(() => validateOptions({ resolve: { alias: 1 } })).toThrow(
      /`resolve.alias` must be an object or an array/,
    );
    expect(() =>
      validateOptions({ resolve: { alias: [{ find: { regex: "(" }, replacement: "x" }] } }),
    ).toThrow(/not a valid regular expression/);
    expect(() => validateOptions({ resolve: { conditions: "development" } })).toThrow(/`resolve.conditions`/);
    expect(() => validateOptions({ resolve: { aliases: {} } })).toThrow(/unknown key `aliases`/);
  });

  it("validates resolve's mainFields, extensions and browserField (attack28 F06, F12, F11)", () => {
    expect(
      validateOptions({
        resolve: { mainFields: ["module", "main", "module"], extensions: [".js", ".ts"], browserField: true },
      }).resolve,
    ).toEqual({
      alias: [],
      conditions: [],
      mainFields: ["module", "main"],
      extensions: [".js", ".ts"],
      browserField: true,
    });
    expect(validateOptions({ resolve: { browserField: false } }).resolve).toEqual({
      alias: [],
      conditions: [],
    });
    expect(() => validateOptions({ resolve: { mainFields: "module" } })).toThrow(/`resolve.mainFields`/);
    expect(() => validateOptions({ resolve: { extensions: ["js"] } })).toThrow(/`resolve.extensions`/);
    expect(() => validateOptions({ resolve: { browserField: "yes" } })).toThrow(/`resolve.browserField`/);
  });

  it("validates resolve.tsconfigPaths (attack33 F06)", () => {
    expect(validateOptions({ resolve: { tsconfigPaths: true } }).resolve).toEqual({
      alias: [],
      conditions: [],
      tsconfigPaths: true,
    });
    expect(validateOptions({ resolve: { tsconfigPaths: false } }).resolve).toEqual({
      alias: [],
      conditions: [],
    });
    expect(() => validateOptions({ resolve: { tsconfigPaths: "yes" } })).toThrow(
      /`resolve.tsconfigPaths` must be true or false, got "yes"/,
    );
  });

  it("validates resolve.paths, the host's own paths table (attack35 F02)", () => {
    const paths = { baseUrl: "/abs/app", table: { "@lib/*": ["./src/libB/*"] } };
    expect(validateOptions({ resolve: { tsconfigPaths: true, paths } }).resolve).toEqual({
      alias: [],
      conditions: [],
      tsconfigPaths: true,
      paths,
    });
    // A table the host applies is followed: `tsconfigPaths` with it.
    expect(validateOptions({ resolve: { paths } }).resolve).toEqual({
      alias: [],
      conditions: [],
      tsconfigPaths: true,
      paths,
    });
    for (const bad of [
      { baseUrl: "./app", table: {} },
      { baseUrl: "/abs", table: { "@lib/*": "./src" } },
      { baseUrl: "/abs", table: [] },
      { baseUrl: "/abs", table: {}, extra: 1 },
    ])
      expect(() => validateOptions({ resolve: { paths: bad } })).toThrow(/`resolve.paths` must be/);
  });

  it("validates resolve: alias candidates, module folders, the host's resolver (attack28 F02/F03)", () => {
    expect(
      validateOptions({
        resolve: { alias: { "@app": ["/a", "/b"] }, modules: ["node_modules", "src", "src"] },
      }).resolve,
    ).toEqual({
      alias: [{ find: "@app", replacement: ["/a", "/b"] }],
      conditions: [],
      modules: ["node_modules", "src"],
    });
    expect(validateOptions({ resolve: { resolver: "/r.cjs" } }).resolve).toEqual({
      alias: [],
      conditions: [],
      resolver: "/r.cjs",
    });
    expect(() => validateOptions({ resolve: { alias: { "@": [] } } })).toThrow(/non-empty list/);
    expect(() => validateOptions({ resolve: { alias: [{ find: "@", replacement: ["/a", 1] }] } })).toThrow(
      /`resolve.alias\[0\]`.replacement must be/,
    );
    expect(() => validateOptions({ resolve: { modules: [] } })).toThrow(
      /`resolve.modules` must be a non-empty array/,
    );
    expect(() => validateOptions({ resolve: { modules: "src" } })).toThrow(/`resolve.modules`/);
    expect(() => validateOptions({ resolve: { resolver: "" } })).toThrow(/`resolve.resolver`/);
  });

  it("validates twinsByName", () => {
    expect(validateOptions(undefined).twinsByName).toBe(true);
    expect(validateOptions({ twinsByName: false }).twinsByName).toBe(false);
    expect(validateOptions({ twinsByName: { exclude: ["locate-path"] } }).twinsByName).toEqual({
      exclude: ["locate-path"],
    });
    expect(() => validateOptions({ twinsByName: "no" })).toThrow(
      /SA104: `twinsByName` must be true, false or \{ "exclude"/,
    );
    expect(() => validateOptions({ twinsByName: { exclud: [] } })).toThrow(/unknown key `exclud`/);
    expect(() => validateOptions({ twinsByName: { exclude: "locate-path" } })).toThrow(
      /`twinsByName.exclude` must be an array of module specifiers/,
    );
    expect(() => validateOptions({ twinsByName: { exclude: [""] } })).toThrow(/module specifiers/);
  });
});
