// The admin CLI: the same functions as the server, imported from db.js and called in sync code,
// so they stay direct calls (on this thread, no worker).
// Usage: node build/admin.js setup | users [limit] | user <id> | report
import { getUser, heavyReport, listUsers, setup } from "./db.js";

function adminCommand(name, arg) {
  switch (name) {
    case "setup":
      return setup();
    case "users":
      return listUsers(arg === undefined ? 10 : Number(arg));
    case "user":
      return getUser(Number(arg));
    case "report":
      return heavyReport();
    default:
      throw new Error(
        `unknown command ${JSON.stringify(name)}; commands: setup, users [limit], user <id>, report`,
      );
  }
}

function main(argv) {
  const [name, arg] = argv;
  const t0 = performance.now();
  let result;
  try {
    result = adminCommand(name, arg);
  } catch (err) {
    console.error(`admin: ${err.message}`);
    process.exitCode = 2;
    return;
  }
  const ms = (performance.now() - t0).toFixed(1);
  const rows = Array.isArray(result) ? result : (result?.rows ?? null);
  console.log(`admin ${argv.join(" ")} (${ms} ms, thread ${result?.thread ?? 0}):`);
  if (rows) for (const row of rows) console.log(`  ${JSON.stringify(row)}`);
  else console.log(`  ${JSON.stringify(result)}`);
}

main(process.argv.slice(2));
