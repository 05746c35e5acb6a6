// jest.mock with a factory that provides only `loadSettings` (no `loadSettingsSync`, no
// `remoteName`, no `settingsAt`): every call spelling reaches it, and an optional call of a
// function the factory left out short-circuits as the source wrote it.
import { nameAt, spellings } from "./shapes.js";

jest.mock("./settings.js", () => ({
  loadSettings: jest.fn(function (this: unknown, path: string) {
    return { name: `factory:${path}:${this === undefined ? "no receiver" : "receiver"}`, retries: 1 };
  }),
}));

test("every call spelling reaches the factory's function, with the receiver the call gave", () => {
  expect(spellings.call("a")).toBe("factory:a:no receiver");
  expect(spellings.apply("b")).toBe("factory:b:no receiver");
  expect(spellings.bind("c")).toBe("factory:c:no receiver");
  expect(spellings.optional("d")).toBe("factory:d:no receiver");
  expect(spellings.namespaceOptional("e")).toBe("factory:e:no receiver");
  expect(spellings.computed("f")).toBe("factory:f:no receiver");
  expect(spellings.optionalMember("g")).toBe("factory:g:no receiver");
  expect(spellings.computedOptional("h")).toBe("factory:h:no receiver");
});

test("an optional call of a function the factory does not provide short-circuits", () => {
  expect(nameAt("n.json")).toBe("no settingsAt");
});

test("a plain call of a function the factory does not provide fails, located", () => {
  expect(() => spellings.tag("conf")).toThrow(
    expect.objectContaining({
      code: "SMARTASYNC_MOCK",
      message: expect.stringMatching(/the function called at src\/shapes\.ts:\d+:\d+ is undefined/),
    }),
  );
});
