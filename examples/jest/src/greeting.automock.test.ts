// jest.mock with automock: every export of ./settings is a jest.fn() without smartasync's marker.
// The code under test (greeting.ts) still calls the mock the test configures — `loadSettings`, the
// name the source wrote — not the real module's `loadSettingsSync`.
import { banner, describeSettings, greeting } from "./greeting.js";
import { loadSettings, type Settings } from "./settings.js";

jest.mock("./settings.js");

const mocked = jest.mocked(loadSettings);
const value: Settings = { name: "mocked", retries: 0 };

beforeEach(() => mocked.mockReset());

test("a sync-context call of a mocked smartasync function calls the mock", () => {
  mocked.mockReturnValue(value as never);
  expect(greeting("a.json")).toBe("Hello from mocked");
  expect(mocked).toHaveBeenCalledWith("a.json");
});

test("the sync variant of a local function calls the mock too", () => {
  mocked.mockReturnValue(value as never);
  expect(banner("b.json")).toBe("[mocked (0 retries)]");
  expect(mocked).toHaveBeenCalledWith("b.json");
});

test("an awaited call gets the mock's promise", async () => {
  mocked.mockResolvedValue(value);
  await expect(describeSettings("c.json")).resolves.toBe("mocked (0 retries)");
});

test("a mock that returns a promise where sync code takes the value fails, located", () => {
  mocked.mockResolvedValue(value);
  expect(() => greeting("d.json")).toThrow(
    expect.objectContaining({
      name: "SmartAsyncError",
      code: "SMARTASYNC_MOCK",
      message: expect.stringMatching(/greeting\.ts:5:\d+.*mockReturnValue/),
    }),
  );
});
