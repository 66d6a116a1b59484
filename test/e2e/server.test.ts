// The production server as a process: health, request logs, config errors, clean shutdown.
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startExpectingFailure, startServer, type RunningServer } from "../support/server";

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

test("a fresh start migrates, seeds the demo and answers healthz", async () => {
  expect(server.output()).toContain("migrated: 2026_11_24_1200_initial");
  expect(server.output()).toContain("demo data seeded: la-machinerie");
  expect(server.output()).toMatch(
    /listening on http:\/\/localhost:(\d+) \(production\), public URL http:\/\/localhost:\1\n/,
  );
  const response = await fetch(`${server.url}/healthz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: "ok", database: "sqlite" });
});

test("with HOST unset the server listens on loopback only, not on the machine's other addresses", async () => {
  const outside = Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === "IPv4" && !a.internal)?.address;
  expect(outside, "a non-loopback IPv4 address on this machine").toBeDefined();
  const unset = await startServer({ HOST: undefined });
  try {
    const { port } = new URL(unset.url);
    expect((await fetch(`${unset.url}/healthz`)).status).toBe(200);
    await expect(fetch(`http://${outside}:${port}/healthz`)).rejects.toMatchObject({
      cause: { code: "ECONNREFUSED" },
    });
  } finally {
    await unset.stop();
  }
});

test("each request is logged on one JSON line with its id, status, duration and route", async () => {
  const page = await fetch(`${server.url}/campaigns/la-machinerie`);
  const missing = await fetch(`${server.url}/campaigns/nowhere`, { headers: { "X-Request-Id": "proxy-42" } });
  const id = page.headers.get("X-Request-Id");
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  // An id from the proxy in front is kept, so that its log and ours can be joined.
  expect(missing.headers.get("X-Request-Id")).toBe("proxy-42");
  await server.waitForOutput(
    new RegExp(`"reqId":"${id}","method":"GET","url":"/campaigns/la-machinerie","status":200,`),
  );
  await server.waitForOutput(/"reqId":"proxy-42","method":"GET","url":"\/campaigns\/nowhere","status":404,/);
  const line = server
    .output()
    .split("\n")
    .find((l) => l.includes(`"reqId":"${id}"`))!;
  expect(JSON.parse(line)).toMatchObject({
    level: 30,
    msg: "request",
    reqId: id,
    method: "GET",
    url: "/campaigns/la-machinerie",
    status: 200,
    route: "/campaigns/:slug",
    ms: expect.any(Number),
    time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  });
});

test("unknown pages get the site's 404 page, in the reader's language", async () => {
  const response = await fetch(`${server.url}/campaigns/nowhere`, { headers: { "Accept-Language": "en" } });
  expect(response.status).toBe(404);
  const html = await response.text();
  expect(html).toContain("Page not found");
  expect(html).toContain('href="/"');
});

test("the language switch works without JavaScript and keeps the page", async () => {
  const response = await fetch(`${server.url}/lang`, {
    method: "POST",
    body: new URLSearchParams({ locale: "en", redirectTo: "/campaigns/la-machinerie" }),
    redirect: "manual",
  });
  expect(response.status).toBe(302);
  expect(response.headers.get("location")).toBe("/campaigns/la-machinerie");
  expect(response.headers.get("set-cookie")).toMatch(/^lang=en; Path=\/; Max-Age=31536000; SameSite=Lax/);
  const page = await fetch(`${server.url}/campaigns/la-machinerie`, { headers: { Cookie: "lang=en" } });
  expect(await page.text()).toContain("La Machinerie: 15 000 € in 15 days");
  const bad = await fetch(`${server.url}/lang`, {
    method: "POST",
    body: new URLSearchParams({ locale: "xx" }),
  });
  expect(bad.status).toBe(400);
});

test("SIGTERM finishes cleanly with exit code 0", async () => {
  const other = await startServer();
  const code = await other.stop();
  expect(code).toBe(0);
  expect(other.output()).toContain("SIGTERM received");
  expect(other.output()).toContain("stopped");
});

test("a wrong variable stops the start with a message naming it", async () => {
  const { code, output } = await startExpectingFailure({ PORT: "eighty" });
  expect(code).toBe(1);
  expect(output).toContain('PORT: expected a port number (got "eighty")');
});
