// jest.mock with automock, for every call spelling (src/shapes.ts): `.call`, `.apply`,
// `.bind(…)(…)`, `f?.()`, `ns.f?.()`, `ns["f"]()`, `ns?.f()` and a tagged template reach the mock
// with the arguments (and the template's strings) the code under test gave.
import { loadSettings, type Settings, settingsAt } from "./settings.js";
import { bothNames, bothNamesNow, nameAt, spellings } from "./shapes.js";

jest.mock("./settings.js");

const load = jest.mocked(loadSettings);
const at = jest.mocked(settingsAt);
const value: Settings = { name: "mocked", retries: 0 };

beforeEach(() => {
  load.mockReset();
  at.mockReset();
  load.mockReturnValue(value as never);
  at.mockReturnValue({ name: "tagged", retries: 0 } as never);
});

test("every call spelling of a mocked smartasync function calls the mock", () => {
  for (const [name, spelled] of Object.entries(spellings).filter(([n]) => n !== "tag")) {
    load.mockClear();
    expect([name, spelled(`${name}.json`)]).toEqual([name, "mocked"]);
    expect(load).toHaveBeenCalledTimes(1);
    expect(load).toHaveBeenCalledWith(`${name}.json`);
  }
});

test("a tagged template calls the mock with the template's strings and values", () => {
  expect(spellings.tag("conf")).toBe("tagged");
  const [strings, dir] = at.mock.calls[0]!;
  expect([[...strings], dir]).toEqual([["", "/settings.json"], "conf"]);
});

test("the sync variant's copy of a local function keeps the spellings and calls the mock", () => {
  expect(bothNamesNow("c.json")).toBe("mocked+mocked");
  expect(load.mock.calls).toEqual([["c.json"], ["c.json"]]);
});

test("the async function awaits the mock's promise through the same spellings", async () => {
  load.mockResolvedValue(value);
  await expect(bothNames("d.json")).resolves.toBe("mocked+mocked");
});

test("a promise from the mock where sync code takes the value fails, located, in every spelling", () => {
  load.mockResolvedValue(value);
  const { call, apply, optional, namespaceOptional, computed, optionalMember } = spellings;
  for (const spelled of [call, apply, optional, namespaceOptional, computed, optionalMember]) {
    expect(() => spelled("e.json")).toThrow(
      expect.objectContaining({
        code: "SMARTASYNC_MOCK",
        message: expect.stringMatching(/shapes\.ts:\d+:\d+ returned a promise.*mockReturnValue/),
      }),
    );
  }
});

test("an optional call of a mocked function calls it", () => {
  expect(nameAt("n.json")).toBe("tagged");
  expect([...at.mock.calls[0]![0]]).toEqual(["n.json"]);
});
