// GET /healthz through its real loader: 200 while the database answers, 503 once it does not.
import { expect, test } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";
import { loader } from "~/routes/healthz";
import { testContext } from "../support/context";
import { createTestDatabase, useTestDatabase } from "../support/database";

const database = useTestDatabase();

function call(handle: DatabaseHandle) {
  return loader({
    request: new Request("http://localhost/healthz"),
    params: {},
    context: testContext(handle),
  });
}

test("healthz answers 200 and names the engine while the database is reachable", async () => {
  const { db, engine } = database();
  const response = await call({ db, engine, description: "test" });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: "ok", database: engine });
  expect(response.headers.get("Cache-Control")).toBe("no-store");
});

test("healthz answers 503 when the database is gone", async () => {
  const other = await createTestDatabase();
  expect((await call(other)).status).toBe(200);
  await other.drop();
  const closed = other.engine === "sqlite" ? other : openDatabase(other.url);
  const response = await call(closed);
  expect(response.status).toBe(503);
  expect(await response.json()).toEqual({ status: "unavailable", database: "unreachable" });
  if (closed !== other) await closed.db.destroy();
});
