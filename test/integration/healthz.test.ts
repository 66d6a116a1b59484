// GET /healthz through its real loader: 200 while the database answers, 503 once it does not.
import type { AppLoadContext } from "@remix-run/node";
import { expect, test } from "vitest";
import { openDatabase } from "#db/connection.ts";
import { loadConfig } from "~/lib/config.server";
import { loader } from "~/routes/healthz";
import { createTestDatabase, useTestDatabase } from "../support/database";

const database = useTestDatabase();

function call(context: Pick<AppLoadContext, "db" | "engine">) {
  const full = {
    ...context,
    config: loadConfig({ SESSION_SECRET: "x".repeat(32) }),
    clock: () => new Date(),
  };
  return loader({ request: new Request("http://localhost/healthz"), params: {}, context: full });
}

test("healthz answers 200 and names the engine while the database is reachable", async () => {
  const { db, engine } = database();
  const response = await call({ db, engine });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: "ok", database: engine });
  expect(response.headers.get("Cache-Control")).toBe("no-store");
});

test("healthz answers 503 when the database is gone", async () => {
  const other = await createTestDatabase();
  await other.drop();
  const closed = other.engine === "sqlite" ? other : openDatabase(other.url);
  const response = await call({ db: closed.db, engine: closed.engine });
  expect(response.status).toBe(503);
  expect(await response.json()).toEqual({ status: "unavailable", database: "unreachable" });
  if (closed !== other) await closed.db.destroy();
});
