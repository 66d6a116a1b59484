import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { expect, test } from "vitest";
import { BODY_LIMITS, bodyLimit, bodyLimitFor, redactUrl, shortPage } from "~/lib/http.server";
import { safeRedirectPath } from "~/lib/request.server";
import { rawPost } from "../support/raw-post";

test.each([
  // The pledge's private link, as emails and pages give it.
  ["/pledges/p1?token=SECRETtoken123", "/pledges/p1?token=[redacted]"],
  ["/pledges/p1?token=SECRET&thanks=1", "/pledges/p1?token=[redacted]&thanks=1"],
  ["/pledges/p1?notice=changed&token=SECRET", "/pledges/p1?notice=changed&token=[redacted]"],
  [
    "/pledges/p1.data?token=SECRET&_routes=routes%2Fpledges.%24id",
    "/pledges/p1.data?token=[redacted]&_routes=routes%2Fpledges.%24id",
  ],
  // The sign-in link.
  ["/auth/verify?token=SECRET", "/auth/verify?token=[redacted]"],
  // The unsubscribe link: the token and the address it is for.
  ["/unsubscribe?e=ann%40example.org&k=digest&t=SECRET", "/unsubscribe?e=[redacted]&k=digest&t=[redacted]"],
  // A token in any case, repeated, or in a CSRF field sent by GET.
  ["/x?TOKEN=SECRET&token=SECRET2", "/x?TOKEN=[redacted]&token=[redacted]"],
  ["/x?csrf=SECRET", "/x?csrf=[redacted]"],
  // The simulated checkout's session id is a capability in the path.
  ["/checkout/simulated/sim_cs_SECRET", "/checkout/simulated/[redacted]"],
  ["/checkout/simulated/sim_cs_SECRET/authenticate?x=1", "/checkout/simulated/[redacted]/authenticate?x=1"],
  // What carries no secret is left as it is.
  ["/campaigns/la-machinerie/pledge?tier=t1", "/campaigns/la-machinerie/pledge?tier=t1"],
  ["/", "/"],
])("the request log shows %s as %s", (url, logged) => {
  expect(redactUrl(url)).toBe(logged);
  expect(redactUrl(url)).not.toMatch(/SECRET/);
});

test("a URL that does not parse loses its query rather than leaking it", () => {
  expect(redactUrl("//[bad?token=SECRET")).not.toMatch(/SECRET/);
});

test("each route family has its body limit", () => {
  expect(bodyLimitFor("/campaigns/x/pledge")).toBe(64 * 1024);
  expect(bodyLimitFor("/campaigns/x/pledge.data")).toBe(BODY_LIMITS.form);
  expect(bodyLimitFor("/manage/campaigns/abc")).toBe(5 * 1024 * 1024);
  expect(bodyLimitFor("/manage/campaigns/abc.data")).toBe(BODY_LIMITS.cover);
  expect(bodyLimitFor("/manage/campaigns/abc/statement")).toBe(BODY_LIMITS.form);
  expect(bodyLimitFor("/webhooks/stripe")).toBe(1024 * 1024);
});

// On Node 24 the first chunk of a body goes through the limit before the handler starts reading it:
// the refusal must not be an error nobody listens to (it stopped the whole server).
test("a body over its limit before anyone reads it is a 413, and the server keeps answering", async () => {
  const app = express();
  app.use(bodyLimit());
  app.post("/campaigns/x/pledge", async (_req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      for await (const _chunk of res.locals.body as AsyncIterable<Buffer>);
    } catch {
      // Over the limit: the 413 has been answered.
    }
    if (!res.headersSent) res.send("read");
  });
  app.get("/ping", (_req, res) => void res.send("pong"));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const refused = await rawPost(`${url}/campaigns/x/pledge`, {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      chunk: "b".repeat(BODY_LIMITS.form + 10),
      chunks: 4,
    });
    expect(refused.status).toBe(413);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await (await fetch(`${url}/ping`)).text()).toBe("pong");
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("the short pages speak the visitor's language", () => {
  expect(shortPage("en", 413, "http.tooLarge.title", "http.tooLarge.body", { limit: "64 KB" })).toContain(
    "What you sent is larger than allowed (64 KB).",
  );
  expect(shortPage("fr", 403, "http.crossOrigin.title", "http.crossOrigin.body")).toContain(
    '<html lang="fr">',
  );
});

test.each([
  "/a\nSet-Cookie: x=1",
  "/a\r\nb",
  "/\t/evil.example",
  "/a\u0000",
  "/a\u007f",
  "/caf\u00e9",
  "/a\u202eb",
  "/a b",
])("a redirect target that a Location header cannot carry (%j) goes home instead", (target) => {
  expect(safeRedirectPath(target)).toBe("/");
});

test("a percent-encoded path with its query is followed as it is", () => {
  expect(safeRedirectPath("/campaigns/caf%C3%A9?tier=t1&q=a%20b")).toBe(
    "/campaigns/caf%C3%A9?tier=t1&q=a%20b",
  );
});

test("an encoded control character goes home even in the query (decision 018: refused at the first doubt)", () => {
  expect(safeRedirectPath("/campaigns/caf%C3%A9?tier=t1&x=%0A")).toBe("/");
});
