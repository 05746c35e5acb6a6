// One set of functions for two callers: an async HTTP server (server.js) and a sync admin CLI
// (admin.js), each in its own file.
//
// The data-access functions are plain synchronous better-sqlite3 code, marked `// @smartasync`.
// The plugin gives each an async variant (`listUsersAsync`, ...) that runs it in a worker pool,
// and rewrites every *awaited* call to that variant ("offload"), so a slow query never blocks
// the server's event loop; a call whose value is used in sync code stays a plain call ("direct").
//
// A worker runs an offloaded function by importing this module again: the top level holds only
// declarations, so each worker simply opens its own connection (SQLite in WAL mode allows many
// readers), and nothing else runs twice.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { threadId } from "node:worker_threads";
import Database from "better-sqlite3";

/** The database file: $SQLITE_SERVER_DB, or data/app.db next to the example's sources. */
export const dbPath =
  process.env.SQLITE_SERVER_DB ?? join(dirname(fileURLToPath(import.meta.url)), "..", "data", "app.db");

const db = openDatabase(dbPath);

function openDatabase(path) {
  mkdirSync(dirname(path), { recursive: true });
  const conn = new Database(path);
  conn.pragma("journal_mode = WAL");
  conn.pragma("busy_timeout = 5000");
  return conn;
}

// ---------------------------------------------------------------------------------------------
// Data access: sync functions, both colours.

// @smartasync
export function listUsers(limit = 10) {
  return db.prepare("SELECT id, name, email, country FROM users ORDER BY id LIMIT ?").all(limit);
}

// @smartasync
export function getUser(id) {
  const user = db.prepare("SELECT id, name, email, country FROM users WHERE id = ?").get(id);
  if (!user) return null;
  const orders = db
    .prepare(
      "SELECT COUNT(*) AS orders, COALESCE(SUM(amount_cents), 0) AS totalCents FROM orders WHERE user_id = ?",
    )
    .get(id);
  return { ...user, ...orders, thread: threadId };
}

// A deliberately slow query (~100-200 ms): a full join and aggregate over every order.
// @smartasync
export function heavyReport() {
  const t0 = performance.now();
  const rows = db
    .prepare(
      `SELECT u.country, COUNT(*) AS orders, SUM(o.amount_cents) AS totalCents,
              COUNT(DISTINCT o.user_id) AS buyers, MAX(o.amount_cents) AS maxCents
         FROM orders o JOIN users u ON u.id = o.user_id
        GROUP BY u.country ORDER BY totalCents DESC`,
    )
    .all();
  return { rows, ms: Math.round(performance.now() - t0), thread: threadId };
}

/**
 * Creates the schema and seeds it (deterministic data). Not annotated: only the CLI runs it.
 * It writes through a connection of its own, opened from the file and closed when done: `db`,
 * which the offloaded functions read and each worker opens anew from the same file, is only read
 * by this thread's code. Writes through `db` would be right here too (a file every thread
 * reaches), but the build cannot tell a file from an in-memory database, which each worker would
 * make empty, and warns (SA316).
 */
export function setup({ users = 1000, orders = 200_000 } = {}) {
  const conn = openDatabase(dbPath);
  try {
    seed(conn, users, orders);
  } finally {
    conn.close();
  }
  return { users, orders, path: dbPath };
}

function seed(conn, users, orders) {
  conn.exec(`
    DROP TABLE IF EXISTS orders;
    DROP TABLE IF EXISTS users;
    CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, country TEXT NOT NULL);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id),
                         amount_cents INTEGER NOT NULL, day INTEGER NOT NULL);`);
  conn
    .prepare(
      `WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO users SELECT i, 'user ' || i, 'user' || i || '@example.com',
       CASE i % 5 WHEN 0 THEN 'FR' WHEN 1 THEN 'IT' WHEN 2 THEN 'DE' WHEN 3 THEN 'JP' ELSE 'BR' END FROM n`,
    )
    .run(users);
  conn
    .prepare(
      `WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO orders SELECT i, 1 + (i * 7919) % ?, 100 + (i * 104729) % 50000, (i * 31) % 365 FROM n`,
    )
    .run(orders, users);
  conn.exec("CREATE INDEX orders_user ON orders (user_id)");
}
