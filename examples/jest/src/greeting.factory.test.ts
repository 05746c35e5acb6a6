// jest.mock with a factory that provides only the names the source uses: the module the code
// under test imports has no `loadSettingsSync`, and the calls still reach the mock.
import { banner, describeSettings, greeting } from "./greeting.js";

jest.mock("./settings.js", () => ({
  loadSettings: jest.fn((path: string) => ({ name: `factory:${path}`, retries: 1 })),
}));

test("a sync-context call reaches the factory's function", () => {
  expect(greeting("a.json")).toBe("Hello from factory:a.json");
  expect(banner("b.json")).toBe("[factory:b.json (1 retries)]");
});

test("an awaited call reaches it too", async () => {
  await expect(describeSettings("c.json")).resolves.toBe("factory:c.json (1 retries)");
});
