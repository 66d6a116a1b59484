// The Express front as a visitor (or an attacker) meets it on the real server: security headers,
// body limits, what a POST must be, and a request log without secrets.
import http from "node:http";
import { afterAll, beforeAll, expect, test } from "vitest";
import { rawPost } from "../support/raw-post";
import { startServer, type RunningServer } from "../support/server";

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A hand-written POST to the running server (see ../support/raw-post.ts). */
function post(path: string, options: Parameters<typeof rawPost>[1]) {
  return rawPost(`${server.url}${path}`, options);
}

const form = { "Content-Type": "application/x-www-form-urlencoded" };
const pledgePath = "/campaigns/la-machinerie/pledge";

test("every page carries a CSP whose nonce is on each of its scripts, and no other script runs", async () => {
  const first = await fetch(`${server.url}/campaigns/la-machinerie`);
  const csp = first.headers.get("content-security-policy") ?? "";
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  for (const directive of [
    "default-src 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "connect-src 'self'",
  ])
    expect(csp).toContain(directive);
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  const html = await first.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
  // A new nonce for every response.
  const second = await fetch(`${server.url}/campaigns/la-machinerie`);
  expect(second.headers.get("content-security-policy")).not.toContain(nonce);
  expect(first.headers.get("x-frame-options")).toBe("DENY");
  expect(first.headers.get("x-content-type-options")).toBe("nosniff");
  expect(first.headers.get("permissions-policy")).toMatch(/camera=\(\), microphone=\(\), geolocation=\(\)/);
  // Served over plain http here: no HSTS (it would lock a local install out of itself).
  expect(first.headers.get("strict-transport-security")).toBeNull();
});

test("HSTS is sent when the public URL is https", async () => {
  const secure = await startServer({
    PUBLIC_URL: "https://tourdetable.example",
    SESSION_SECRET: "hsts-secret-".padEnd(40, "x"),
    JOBS: "false",
  });
  try {
    const response = await fetch(`${secure.url}/`);
    expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
  } finally {
    await secure.stop();
  }
});

test("a 100 MB form is refused at once from its length, with a short page", async () => {
  const answer = await post(pledgePath, {
    headers: { ...form, "Content-Length": String(100 * 1024 * 1024), "Accept-Language": "en" },
    chunk: "a".repeat(1024 * 1024),
    chunks: 100,
  });
  expect(answer.status).toBe(413);
  expect(answer.ms).toBeLessThan(3_000);
  expect(answer.body).toContain("What you sent is larger than allowed (64 KB)");
  expect(answer.body.length).toBeLessThan(2_000);
  // The server is still there.
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
});

test("a chunked body without a length is cut off as soon as it passes the limit", async () => {
  const answer = await post(pledgePath, {
    headers: { ...form, "Transfer-Encoding": "chunked" },
    chunk: `name=${"b".repeat(64 * 1024)}&`,
    chunks: 160, // 10 MB if it were all read
  });
  expect(answer.status).toBe(413);
  expect(answer.body).toContain("Envoi trop volumineux");
  expect(answer.body.length).toBeLessThan(2_000);
});

test("the limits follow the route: a webhook may carry 1 MB, a cover upload 5 MB", async () => {
  const webhook = await post("/webhooks/stripe", {
    headers: { "Content-Type": "application/json", "Content-Length": String(2 * 1024 * 1024) },
    chunk: "x".repeat(1024 * 1024),
    chunks: 2,
  });
  expect(webhook.status).toBe(413);
  const cover = await post("/manage/campaigns/none", {
    headers: { "Content-Type": "multipart/form-data; boundary=b", "Content-Length": String(6 * 1024 * 1024) },
    chunk: "x".repeat(1024 * 1024),
    chunks: 6,
  });
  expect(cover.status).toBe(413);
  // Under its own limit (2 MB < 5 MB), the editor's URL reads the body (and asks who is there).
  const small = await post("/manage/campaigns/none", {
    headers: { "Content-Type": "multipart/form-data; boundary=b", "Content-Length": String(2 * 1024 * 1024) },
    chunk: "x".repeat(1024 * 1024),
    chunks: 2,
  });
  expect(small.status).not.toBe(413);
  expect(small.status).toBeLessThan(500);
});

test("a form of exactly 64 KB is read; one byte more is a 413", async () => {
  const form = (bytes: number) => {
    const head = "amount=10&email=ann%40example.org&name=";
    return head + "n".repeat(bytes - head.length);
  };
  const send = (body: string) =>
    fetch(`${server.url}${pledgePath}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en" },
      body,
    });
  const atLimit = await send(form(64 * 1024));
  expect(atLimit.status).toBe(400);
  expect(await atLimit.text()).not.toContain("larger than allowed");
  const over = await send(form(64 * 1024 + 1));
  expect(over.status).toBe(413);
  expect(await over.text()).toContain("What you sent is larger than allowed (64 KB)");
});

test("a long value within the limit comes back cut to what its field holds", async () => {
  const response = await fetch(`${server.url}${pledgePath}`, {
    method: "POST",
    body: new URLSearchParams({ amount: "10", name: "n".repeat(60_000), comment: "c".repeat(3_000) }),
  });
  expect(response.status).toBe(400);
  const html = await response.text();
  const longestRun = (letter: string) =>
    Math.max(0, ...[...html.matchAll(new RegExp(`${letter}{50,}`, "g"))].map((m) => m[0].length));
  expect(longestRun("n")).toBe(100);
  expect(longestRun("c")).toBe(500);
  expect(html.length).toBeLessThan(200_000);
});

test.each([
  ["text/plain", "name=x"],
  ["application/json", '{"name":"x"}'],
  [null, "name=x"],
])("a POST of type %s to a form is a 415 with a readable page", async (type, body) => {
  const response = await fetch(`${server.url}${pledgePath}`, {
    method: "POST",
    headers: type ? { "Content-Type": type, "Accept-Language": "en" } : { "Accept-Language": "en" },
    body: type ? body : new Blob([body]),
  });
  expect(response.status).toBe(415);
  expect(await response.text()).toContain("This request is not a form from this site.");
});

test("a form that does not parse (a broken multipart) is a 400, not a 500", async () => {
  const response = await fetch(`${server.url}${pledgePath}`, {
    method: "POST",
    headers: { "Content-Type": "multipart/form-data; boundary=zzz" },
    body: "not multipart at all",
  });
  expect(response.status).toBe(400);
  expect(await response.text()).toContain("Formulaire illisible");
});

test("a NUL in a form (PostgreSQL cannot store it) is a 400 before any action runs", async () => {
  const response = await fetch(`${server.url}${pledgePath}`, {
    method: "POST",
    body: new URLSearchParams({ amount: "10", name: "Ann\u0000", email: "ann@example.org" }),
  });
  expect(response.status).toBe(400);
});

test("a POST from another site is refused with a 403 and changes nothing", async () => {
  const response = await fetch(`${server.url}/lang`, {
    method: "POST",
    headers: { Origin: "https://evil.example", "Accept-Language": "en" },
    body: new URLSearchParams({ locale: "en", redirectTo: "/" }),
    redirect: "manual",
  });
  expect(response.status).toBe(403);
  expect(response.headers.get("set-cookie")).toBeNull();
  expect(await response.text()).toContain("This form was not sent from this site");
  const fromHere = await fetch(`${server.url}/lang`, {
    method: "POST",
    headers: { Origin: server.url },
    body: new URLSearchParams({ locale: "en", redirectTo: "/" }),
    redirect: "manual",
  });
  expect(fromHere.status).toBe(302);
});

test("a cross-site POST that sends no Origin is known by Sec-Fetch-Site, refused with a 403, and changes nothing", async () => {
  const post = (site: string) =>
    fetch(`${server.url}/lang`, {
      method: "POST",
      headers: { "Sec-Fetch-Site": site, "Accept-Language": "en" },
      body: new URLSearchParams({ locale: "en", redirectTo: "/" }),
      redirect: "manual",
    });
  const crossSite = await post("cross-site");
  expect(crossSite.status).toBe(403);
  expect(crossSite.headers.get("set-cookie")).toBeNull();
  expect(await crossSite.text()).toContain("This form was not sent from this site");
  // The same form from a page of ours, or typed by a person (none), goes through.
  expect((await post("same-origin")).status).toBe(302);
  expect((await post("none")).status).toBe(302);
});

test("a newline in redirectTo goes home instead of failing", async () => {
  const response = await fetch(`${server.url}/lang`, {
    method: "POST",
    body: new URLSearchParams({ locale: "en", redirectTo: "/campaigns\r\nSet-Cookie: evil=1" }),
    redirect: "manual",
  });
  expect(response.status).toBe(302);
  expect(response.headers.get("location")).toBe("/");
  expect(response.headers.get("set-cookie")).not.toContain("evil");
});

test("the request log never shows a token", async () => {
  const secret = "SeCrEtToKeN0123456789abcdefghij";
  // Each answer read to its end: a request is logged once its response has finished, and a body
  // left unread can hold the response back (seen on Node 24's fetch).
  await (
    await fetch(`${server.url}/pledges/00000000-0000-0000-0000-000000000000?token=${secret}&thanks=1`)
  ).text();
  await (await fetch(`${server.url}/auth/verify?token=${secret}`, { redirect: "manual" })).text();
  await (await fetch(`${server.url}/unsubscribe?e=ann%40example.org&k=digest&t=${secret}`)).text();
  await server.waitForOutput(
    /"method":"GET","url":"\/pledges\/0{8}-0{4}-0{4}-0{4}-0{12}\?token=\[redacted\]&thanks=1","status":\d{3},/,
  );
  await server.waitForOutput(/"method":"GET","url":"\/auth\/verify\?token=\[redacted\]","status":302,/);
  await server.waitForOutput(
    /"method":"GET","url":"\/unsubscribe\?e=\[redacted\]&k=digest&t=\[redacted\]","status":403,/,
  );
  expect(server.output()).not.toContain(secret);
  expect(server.output()).not.toContain("ann%40example.org");
});

test("/metrics is not there without METRICS_TOKEN", async () => {
  const response = await fetch(`${server.url}/metrics`, {
    headers: { Authorization: "Bearer anything-at-all-1234" },
  });
  expect(response.status).toBe(404);
  expect(await response.text()).not.toContain("tdt_");
});

test("idle connections are kept 65 s, longer than the proxies in front keep theirs", async () => {
  const agent = new http.Agent({ keepAlive: true });
  const answer = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http.get(`${server.url}/healthz`, { agent }, resolve).on("error", reject),
  );
  answer.resume();
  expect(answer.headers.connection).toBe("keep-alive");
  expect(answer.headers["keep-alive"]).toBe("timeout=65");
  agent.destroy();
});
