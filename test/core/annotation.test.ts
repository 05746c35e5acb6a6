import { describe, expect, it } from "vitest";
import {
  mayContainAnnotation,
  mayContainMisspelling,
  mayContainTypedForm,
  misspelledTag,
  parseAnnotation,
} from "../../src/core/annotation.js";

describe("parseAnnotation (DESIGN §2)", () => {
  it.each([
    [" @smartasync", false],
    [" @smartasync ", true],
    ["@smartasync", false],
    ["*\n * Loads the config.\n * @smartasync\n ", true],
    ["*\n * @smartasync\n * @param path where\n ", true],
  ])("accepts %j", (value, block) => {
    expect(parseAnnotation(value, block)).toEqual({ kind: "annotation" });
  });

  it.each([
    [" @smartasyncfoo", false],
    [" see @smartasync docs", false],
    [" TODO: @smartasync later", false],
    ["* prose that mentions the @smartasync tag ", true],
  ])("ignores %j (anchored match)", (value, block) => {
    expect(parseAnnotation(value, block)).toEqual({ kind: "none" });
  });

  it("reads sync= and async= words as explicit variant names", () => {
    expect(parseAnnotation(" @smartasync sync=readBlocking", false)).toEqual({
      kind: "annotation",
      names: { sync: "readBlocking" },
    });
    expect(parseAnnotation("*\n * @smartasync async=hashInPool  sync=$x_1\n ", true)).toEqual({
      kind: "annotation",
      names: { async: "hashInPool", sync: "$x_1" },
    });
    for (const bad of ["sync=", "sync=1x", "sync=a-b", "sync=a sync=b", "Sync=a", "sync = a", "worker=a"])
      expect(parseAnnotation(` @smartasync ${bad}`, false)).toEqual({ kind: "malformed", extra: bad });
  });

  it("reads same-thread (attack 18, F12), alone or with a name; twice is malformed", () => {
    expect(parseAnnotation(" @smartasync same-thread", false)).toEqual({
      kind: "annotation",
      sameThread: true,
    });
    expect(parseAnnotation(" @smartasync async=saveNow same-thread", false)).toEqual({
      kind: "annotation",
      names: { async: "saveNow" },
      sameThread: true,
    });
    for (const bad of ["same-thread same-thread", "samethread", "same_thread", "Same-thread"])
      expect(parseAnnotation(` @smartasync ${bad}`, false)).toEqual({ kind: "malformed", extra: bad });
  });

  it("reports unknown words after the tag", () => {
    expect(parseAnnotation(" @smartasync worker", false)).toEqual({ kind: "malformed", extra: "worker" });
    expect(parseAnnotation("*\n * @smartasync sync\n ", true)).toEqual({ kind: "malformed", extra: "sync" });
  });
});

describe("misspelledTag (SA107)", () => {
  it.each(["@smartasnyc", "@smartAsync", "@smart-async", "@smartasyn", "@smartsync"])("flags %s", (word) => {
    expect(misspelledTag(` ${word}`, false)).toBe(word);
  });
  it.each([
    [" @smartasync\u200b", "@smartasync\u200b"],
    [" \u2060@smartasync", "\u2060@smartasync"],
    [" @smartasync\u200d\u200b worker", "@smartasync\u200d\u200b"],
    ["*\n * @smartasync\u00ad\n ", "@smartasync\u00ad"],
  ])("flags the tag next to an invisible format character: %j", (v, word) => {
    expect(misspelledTag(v, v.startsWith("*"))).toBe(word);
    expect(parseAnnotation(v, v.startsWith("*"))).toEqual({ kind: "none" });
  });
  it.each([
    " @smartasync",
    " @smartasyncfoo",
    " @param x",
    " see @smartasnyc",
    " @jsx h",
    " @smartasync\u00a0",
    " \ufeff@smartasync\ufeff",
  ])("leaves %j alone", (v) => {
    expect(misspelledTag(v, false)).toBeUndefined();
  });
});

describe("the fast path's searches (compile/fast-path.ts)", () => {
  // The fast path asks for the typed form alone once mayContainMisspelling found nothing: that
  // is exact only if every text holding the tag holds an `@smart…` word too.
  const pieces = [
    "@smartasync",
    "@SmartAsync",
    "@smart",
    "@smar",
    "@",
    "@@",
    "smartasync",
    "smartasync(",
    "smartasync ( f)",
    "smartasync/runtime",
    "\\bsmart",
    "/*",
    "*/",
    "//",
    "\n",
    "'",
    "`",
    " ",
    "x",
    "@s",
    "@S",
    "\u200b",
  ];
  it("wherever the tag may be, mayContainMisspelling finds an `@smart…` word (generated texts, fixed seed)", () => {
    let seed = 20_261_206;
    const next = () => {
      seed ^= seed << 13;
      seed >>>= 0;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      seed >>>= 0;
      return seed;
    };
    let tagged = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = "";
      for (let k = next() % 12; k > 0; k--) text += pieces[next() % pieces.length];
      for (const runtime of ["smartasync/runtime", "other/runtime"]) {
        const any = mayContainAnnotation(text, runtime);
        if (!mayContainMisspelling(text)) expect(any, text).toBe(mayContainTypedForm(text, runtime));
        else if (any && !mayContainTypedForm(text, runtime)) tagged++;
      }
    }
    // The texts did hold the tag without the typed form (the case the shortcut is about).
    expect(tagged).toBeGreaterThan(1000);
  });

  it("the typed form needs the runtime's name and a call of `smartasync`, anywhere in the text", () => {
    expect(mayContainTypedForm('import { smartasync } from "smartasync/runtime"; smartasync(f)')).toBe(true);
    expect(mayContainTypedForm('// "smartasync/runtime"\nconst g = smartasync (f);')).toBe(true);
    expect(mayContainTypedForm('import { smartasync } from "smartasync/runtime";')).toBe(false);
    expect(mayContainTypedForm("smartasync(f)")).toBe(false);
    expect(mayContainTypedForm('"my/rt"; smartasync(f)', "my/rt")).toBe(true);
    expect(mayContainTypedForm("// @smartasync")).toBe(false);
  });
});
