// `npm run bench`: every bench, one after the other, each in its own process so they do not
// disturb each other; results land in bench/results/*.json.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./lib.mjs";

if (!existsSync(join(ROOT, "dist/babel-plugin/index.js"))) {
  execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs")], { stdio: "inherit" });
}
const extra = process.argv.slice(2);
for (const bench of ["runtime.mjs", "babel.mjs"]) {
  console.log(`\n=== bench/${bench}`);
  execFileSync(process.execPath, [join(ROOT, "bench", bench), ...extra], { stdio: "inherit", cwd: ROOT });
}
