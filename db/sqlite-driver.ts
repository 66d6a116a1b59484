// Which better-sqlite3 this Node loads: 13 (Node-API 10: Node ≥ 22.14, so Node 24 LTS) where it can,
// else 12 under the alias `better-sqlite3-node20`. 12 aborts on Node ≥ 24.19, 13 cannot load on Node 20.
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";

const require = createRequire(import.meta.url);

/** The Node-API version 13.x is built for; Node 20 has 9 and never gets 10. */
const NODE_API_OF_13 = 10;

export function sqliteDriverFor(nodeApi: number): "better-sqlite3" | "better-sqlite3-node20" {
  return nodeApi >= NODE_API_OF_13 ? "better-sqlite3" : "better-sqlite3-node20";
}

function load(name: ReturnType<typeof sqliteDriverFor>): typeof BetterSqlite3 {
  try {
    return require(name) as typeof BetterSqlite3;
  } catch (error) {
    if (name === "better-sqlite3-node20" && (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND") {
      throw new Error(
        `SQLite on Node ${process.version} needs the optional package better-sqlite3-node20 (better-sqlite3 12), ` +
          "which did not install: run `npm ci` again with a C++ toolchain, or use Node 24 LTS.",
        { cause: error },
      );
    }
    throw error;
  }
}

export const SQLite = load(sqliteDriverFor(Number(process.versions.napi)));
export type SQLiteDatabase = BetterSqlite3.Database;
export type SQLiteStatement = BetterSqlite3.Statement;
