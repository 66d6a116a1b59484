// The production server's front as issue #14 left it: the campaign page rendered once for anonymous
// visitors (each answer with its own nonce), compression but never for live progress, /metrics
// behind its token; and in Chromium, the cached and compressed page passes axe and its CSP.
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { axeViolations, launchBrowser, skipBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

const token = "metrics-token-for-the-e2e-test";
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ METRICS_TOKEN: token, RENDER_CACHE_MS: "5000" });
});
afterAll(async () => {
  await server?.stop();
});

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: number;
}

/** A GET with exactly the headers given (fetch would add its own Accept-Encoding and decode). */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    httpRequest(`${server.url}${path}`, { headers }, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => (bytes += chunk.length));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, bytes }));
    })
      .on("error", reject)
      .end();
  });
}

const nonceOf = (policy: string | null) => /'nonce-([^']+)'/.exec(policy ?? "")?.[1];

test("the campaign page is rendered once for anonymous visitors, each answer with its own nonce", async () => {
  const answers = [];
  for (let i = 0; i < 3; i++) {
    const response = await fetch(`${server.url}/campaigns/la-machinerie`);
    answers.push({
      cache: response.headers.get("X-Render-Cache"),
      policy: nonceOf(response.headers.get("Content-Security-Policy")),
      html: await response.text(),
    });
  }
  expect(answers.map((a) => a.cache)).toEqual(["miss", "hit", "hit"]);
  expect(new Set(answers.map((a) => a.policy)).size).toBe(3);
  for (const answer of answers) {
    const nonces = [...answer.html.matchAll(/nonce="([^"]*)"/g)].map((m) => m[1]);
    expect(nonces.length).toBeGreaterThan(0);
    expect(new Set(nonces)).toEqual(new Set([answer.policy]));
    expect(answer.html).not.toMatch(/tdtnonce/);
    expect(answer.html).toContain("La Machinerie");
    // The simulated gateway's banner is on every page, cached or not.
    expect(answer.html).toMatch(/TEST MODE|MODE TEST/i);
  }
  const english = await fetch(`${server.url}/campaigns/la-machinerie`, {
    headers: { "Accept-Language": "en" },
  });
  expect(await english.text()).toContain('<html lang="en">');
});

test("pages (their styles inlined), JSON and scripts are compressed; live progress is not, and its events come at once", async () => {
  const page = await rawGet("/campaigns/la-machinerie", { "Accept-Encoding": "br, gzip" });
  expect(page.headers["content-encoding"]).toBe("br");
  expect(page.headers.vary).toMatch(/Accept-Encoding/);
  const plain = await rawGet("/campaigns/la-machinerie");
  expect(plain.headers["content-encoding"]).toBeUndefined();
  expect(page.bytes).toBeLessThan(plain.bytes / 3);

  const data = await rawGet("/campaigns/la-machinerie.data", { "Accept-Encoding": "gzip" });
  expect(data.status).toBe(200);
  expect(data.headers["content-encoding"]).toBe("gzip");

  const answer = await fetch(`${server.url}/campaigns/la-machinerie`);
  const html = await answer.text();
  const script = /\/assets\/entry\.client-[\w-]+\.js/.exec(html)?.[0];
  expect(script).toBeTruthy();
  const asset = await rawGet(script!, { "Accept-Encoding": "gzip, br" });
  expect(asset.headers["content-encoding"]).toBe("br");
  expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  // The stylesheet is in the page (compressed with it), under the response's own nonce: no
  // stylesheet request holds back the first paint.
  const nonce = /'nonce-([^']+)'/.exec(answer.headers.get("content-security-policy") ?? "")?.[1];
  expect(nonce).toBeTruthy();
  // (The nonce is base64: compared as text, its "+" and "/" are no pattern.)
  const style = html.indexOf(`<style id="app-styles" nonce="${nonce}">`);
  expect(style).toBeGreaterThan(0);
  expect(html.slice(style, html.indexOf("</style>", style))).toContain(".site-header{");
  expect(html).not.toMatch(/rel="stylesheet"/);

  // The stream's first event arrives while the stream stays open: nothing holds it back.
  const first = await new Promise<{ encoding: string | undefined; text: string }>((resolve, reject) => {
    const req = httpRequest(
      `${server.url}/campaigns/la-machinerie/live`,
      { headers: { "Accept-Encoding": "gzip, br" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
          if (text.includes("event: progress")) {
            resolve({ encoding: res.headers["content-encoding"], text });
            req.destroy();
          }
        });
      },
    );
    req.on("error", (error) => {
      if (!req.destroyed) reject(error);
    });
    req.end();
  });
  expect(first.encoding).toBeUndefined();
  expect(first.text).toMatch(/data: \{"raised":\d+/);
});

/** A language's page messages long enough to be its own, without arguments (so sent as written). */
function ownMessages(locale: string): string[] {
  const file = join(import.meta.dirname, `../../app/i18n/messages/${locale}.json`);
  return Object.entries(JSON.parse(readFileSync(file, "utf8")) as Record<string, string>)
    .filter(([key, message]) => !key.startsWith("email.") && message.length >= 25 && !/[{}]/.test(message))
    .map(([, message]) => message);
}

test("the browser gets its reader's language only: no words in the scripts, one language fetched and kept", async () => {
  const words = { fr: ownMessages("fr"), en: ownMessages("en") };
  const english = new Set(words.en);
  words.fr = words.fr.filter((message) => !english.has(message));
  expect(words.fr.length).toBeGreaterThan(150);
  for (const [reader, other] of [
    ["fr", "en"],
    ["en", "fr"],
  ] as const) {
    const html = await (
      await fetch(`${server.url}/campaigns/la-machinerie`, { headers: { "Accept-Language": reader } })
    ).text();
    const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(3);
    for (const src of new Set(scripts)) {
      const code = await (await fetch(`${server.url}${src}`)).text();
      const found = [...words.fr, ...words.en].filter((message) => code.includes(message));
      expect(found, src).toEqual([]);
    }
    // Nor in the page beyond what it shows: a form error it has no reason to show.
    expect(html).not.toContain(reader === "fr" ? "Ce champ est obligatoire." : "This field is required.");
    const href = /<link id="page-messages"[^>]*href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&");
    expect(href).toMatch(new RegExp(`^/i18n/${reader}\\?v=\\w+$`));
    const messages = await fetch(`${server.url}${href}`);
    expect(messages.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const text = await messages.text();
    expect(words[reader].filter((message) => !text.includes(JSON.stringify(message).slice(1, -1)))).toEqual(
      [],
    );
    expect(words[other].filter((message) => text.includes(JSON.stringify(message).slice(1, -1)))).toEqual([]);
    expect(text).not.toContain('"email.');
  }
});

test("/metrics answers Prometheus with the token only", async () => {
  expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
  const wrong = await fetch(`${server.url}/metrics`, {
    headers: { Authorization: "Bearer not-the-token-at-all" },
  });
  expect(wrong.status).toBe(401);
  expect(wrong.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
  expect(await wrong.text()).not.toContain("tdt_");

  await fetch(`${server.url}/campaigns/la-machinerie`);
  const response = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toMatch(/^text\/plain;.*version=0\.0\.4/);
  const text = await response.text();
  expect(text).toMatch(
    /tdt_http_request_duration_seconds_count\{method="GET",route="\/campaigns\/:slug",status="200"\} [1-9]/,
  );
  // The demo's pledges, read from the database.
  expect(text).toMatch(/^tdt_pledges_committed_total [1-9]\d*$/m);
  expect(text).toMatch(/^tdt_outbox_depth\{status="queued"\} \d+$/m);
  expect(text).toMatch(/^tdt_outbox_oldest_due_seconds \d/m);
  expect(text).toMatch(/^tdt_job_lag_seconds\{job="close-campaigns"\} \d/m);
  expect(text).toMatch(/^tdt_job_start_lag_seconds\{job="deliver-emails"\} \d/m);
  expect(text).toMatch(/^tdt_sse_clients \d+$/m);
  expect(text).toMatch(/^tdt_database_up 1$/m);
  expect(text).toMatch(/^tdt_nodejs_eventloop_lag_seconds /m);
});

describe.skipIf(skipBrowser)("the cached, compressed campaign page in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test("passes axe and runs its scripts under the CSP, served from the cache with Brotli", async () => {
    // Someone else asked first: the browser gets the cached render.
    await fetch(`${server.url}/campaigns/la-machinerie`);
    const context = await browser.newContext({ locale: "fr-FR" });
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    const messages: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname.startsWith("/i18n/"))
        messages.push(new URL(request.url()).pathname);
    });
    const live = page.waitForRequest((request) => request.url().includes("/campaigns/la-machinerie/live"));
    const response = await page.goto(`${server.url}/campaigns/la-machinerie`);
    const headers = await response!.allHeaders();
    expect(headers["x-render-cache"]).toBe("hit");
    expect(headers["content-encoding"]).toBe("br");
    // Hydrated (React ran under the nonce), and the live stream opened.
    await page.waitForFunction(() => (window as unknown as { __remixRouter?: unknown }).__remixRouter);
    await live;
    // The cover, the page's largest paint, is not lazy and comes first.
    const cover = page.locator("img.campaign__cover");
    expect(await cover.getAttribute("loading")).toBe("eager");
    expect(await cover.getAttribute("fetchpriority")).toBe("high");

    // Its words: French only, fetched once (the preload and the hydration share one request).
    expect(messages).toEqual(["/i18n/fr"]);

    expect(await axeViolations(page, "all")).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
