/**
 * `namespace Api { export let get = load }` (and `export var`): Babel refuses `let`/`var`
 * exports in a namespace, so no fixture can hold them (every fixture runs under Babel too);
 * smartasync/swc compiles them, and a call in sync code is SA206 like `export const get = load`
 * (docs/modules.md, TypeScript routes; issue 13).
 */
import { expect, it } from "vitest";
import { listCases, transformCase } from "../harness.js";
import { transformCaseSwc } from "./harness-swc.js";

const source = `// @smartasync
async function load(x: number): Promise<number> {
  return (await 5) * x;
}
namespace Api {
  export let getLet = load;
  export var getVar = load;
  export let getMember = Other.deep;
}
namespace Other {
  // @smartasync
  export async function deep(x: number): Promise<number> {
    return (await 7) * x;
  }
}
export function main(): unknown[] {
  return [Api.getLet(5), Api.getVar(5), Api.getMember(5)];
}
`;

it("SWC: a namespace's `export let`/`export var` member holding a smartasync function is SA206 at its calls", () => {
  const c = listCases().find((x) => x.name === "typescript/namespace-const-members")!;
  expect(transformCase(c, 8, source).error).toMatch(
    /Namespaces exporting non-const are not supported by Babel/,
  );
  const got = transformCaseSwc(c, source);
  expect(got.error).toBeUndefined();
  expect(got.report!.diagnostics.map((d) => `${d.code} ${d.loc}`)).toEqual([
    "SA206 input.ts:17:11",
    "SA206 input.ts:17:26",
    "SA206 input.ts:17:41",
  ]);
  expect(got.report!.diagnostics[0]!.message).toContain(
    "the namespace member `Api.getLet` holds `load` (line 6)",
  );
  // A `let` holding another namespace's member is not the function either (a `const` is).
  expect(got.report!.diagnostics[2]!.message).toContain(
    "the namespace member `Api.getMember` holds `deep` (line 8)",
  );
  // The calls stay plain (no `getLetSync` exists to call).
  expect(got.code).toMatch(/Api\.getLet\(5\),\s*Api\.getVar\(5\),\s*Api\.getMember\(5\)/);
});
