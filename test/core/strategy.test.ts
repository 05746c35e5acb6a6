import { describe, expect, it } from "vitest";
import type { Colour, Context } from "../../src/core/context.js";
import { decide, decideDispatch } from "../../src/core/strategy.js";

// The whole table of DESIGN §3.3, cell by cell.
const TABLE: [
  kind: "async" | "sync",
  context: Context,
  inColour: Colour,
  strategy: string,
  target: string,
  code?: string,
][] = [
  ["async", "awaited", "sync", "direct", "self"],
  ["async", "awaited", "async", "direct", "self"],
  ["async", "value", "sync", "sync-inline", "sync"],
  ["async", "value", "async", "direct", "self"],
  ["async", "discarded", "sync", "sync-inline", "sync"],
  ["async", "discarded", "async", "direct", "self", "SA201"],
  ["async", "unknown", "sync", "direct", "self", "SA202"],
  ["sync", "awaited", "async", "offload", "async"],
  ["sync", "awaited", "sync", "offload", "async"],
  ["sync", "value", "sync", "direct", "self"],
  ["sync", "value", "async", "direct", "self"],
  ["sync", "discarded", "sync", "direct", "self"],
  ["sync", "discarded", "async", "direct", "self", "SA203"],
  ["sync", "unknown", "sync", "direct", "self"],
  ["async", "handed-on", "sync", "direct", "self"],
  ["sync", "handed-on", "sync", "direct", "self"],
];

describe("decide (DESIGN §3.3)", () => {
  it.each(TABLE)("%s callee, %s in %s → %s", (kind, context, inColour, strategy, target, code) => {
    expect(decide(kind, { context, in: inColour }, "inline")).toEqual({ strategy, target, diagnostic: code });
  });

  it("keeps a sync callee's call whose value's own then/catch is called (attack 17, F4)", () => {
    const method = { context: "awaited", in: "sync", method: true } as const;
    expect(decide("sync", method, "inline")).toEqual({ strategy: "direct", target: "self" });
    expect(decide("sync", { context: "awaited", in: "sync" }, "inline").strategy).toBe("offload");
    expect(decide("async", method, "inline")).toEqual({ strategy: "direct", target: "self" });
  });

  it("names the worker strategy when the sync variant needs one", () => {
    expect(decide("async", { context: "value", in: "sync" }, "worker").strategy).toBe("sync-worker");
  });
});

describe("decideDispatch", () => {
  it("dispatches only where the kinds would differ", () => {
    const both = new Set(["async", "sync"] as const);
    expect(decideDispatch(both, { context: "value", in: "sync" }).target).toBe("dispatch-sync");
    expect(decideDispatch(both, { context: "awaited", in: "async" }).target).toBe("dispatch-async");
    expect(decideDispatch(both, { context: "value", in: "async" }).strategy).toBe("direct");
    expect(decideDispatch(both, { context: "awaited", in: "sync", method: true }).strategy).toBe("direct");
    expect(decideDispatch(new Set(["sync"] as const), { context: "value", in: "sync" }).strategy).toBe(
      "direct",
    );
    expect(
      decideDispatch(new Set(["async"] as const), { context: "discarded", in: "async" }).diagnostic,
    ).toBe("SA201");
  });
});
