// The render cache of anonymous campaign pages behind the real Express front (CSP nonces, compression)
// on a real database: the pages are built by the real root and campaign loaders, and changed by the
// real domain functions. Each answer must still be its visitor's own.
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import type { AppLoadContext } from "@remix-run/node";
import express from "express";
import { afterAll, beforeAll, expect, test } from "vitest";
import { closeCampaignsDue } from "~/campaigns/closing.server";
import { addStretchGoal } from "~/campaigns/authoring.server";
import { compress, securityHeaders } from "~/lib/http.server";
import { commitPledge } from "~/pledges/pledges.server";
import { createRenderCache, type RenderCache } from "~/lib/render-cache.server";
import { loader as rootLoader } from "~/root";
import { loader as campaignLoader } from "~/routes/campaigns.$slug";
import { useTestDatabase } from "../support/database";
import { testContext } from "../support/context";
import { createCampaign, createPledge, ownerActor } from "../support/factories";
import { signedInAs } from "../support/users";

const database = useTestDatabase();

let server: Server;
let url: string;
let cache: RenderCache;
let context: AppLoadContext;
let clockMs = 0;
/** How many times a page was really rendered (the loaders ran). */
let renders = 0;
/** What the next render adds to its answer's headers (to see a Set-Cookie answer kept apart). */
let extraHeaders: Record<string, string> = {};

/**
 * A page as Remix would make it from the real loaders' data: the nonce on its scripts, the
 * language, the test-mode banner, the signed-in person's CSRF token when there is one.
 */
async function renderPage(req: express.Request, nonce: string): Promise<Response> {
  renders++;
  const request = new Request(`http://localhost${req.originalUrl}`, {
    headers: Object.entries(req.headers).flatMap(([name, value]) =>
      typeof value === "string" ? [[name, value] as [string, string]] : [],
    ),
  });
  const args = { request, params: { slug: req.params.slug! }, context: { ...context, cspNonce: nonce } };
  const root = await rootLoader(args);
  let page;
  try {
    page = await campaignLoader(args);
  } catch (thrown) {
    if (thrown instanceof Response)
      return new Response("<p>404</p>", { status: 404, headers: { "Content-Type": "text/html" } });
    throw thrown;
  }
  const goals = page.campaign.stretchGoals.map((goal) => `<li>${goal.title}</li>`).join("");
  return new Response(
    `<!doctype html><html lang="${root.i18n.locale}"><body>${root.testMode ? '<p role="status">TEST MODE</p>' : ""}` +
      `${root.user ? `<input name="csrf" value="${root.user.csrf}">` : ""}` +
      `<h1>${page.campaign.title}</h1>${page.campaign.storyHtml}<p class="status">${page.campaign.status}</p><ol>${goals}</ol>` +
      `<script nonce="${nonce}">hydrate()</script><script nonce="${nonce}" src="/assets/x.js"></script></body></html>`,
    { headers: { "Content-Type": "text/html", ...extraHeaders } },
  );
}

beforeAll(async () => {
  context = testContext(database());
  cache = createRenderCache({ ttlMs: 1_000, now: () => clockMs });
  const app = express();
  app.use(securityHeaders({ publicUrl: "http://localhost:3000", production: true }));
  app.use(compress());
  app.get("/campaigns/:slug", async (req, res, next) => {
    try {
      if (await cache.serve(req, res, () => renderPage(req, cache.placeholder))) return;
      const own = await renderPage(req, res.locals.cspNonce as string);
      res
        .status(own.status)
        .type("html")
        .send(await own.text());
    } catch (error) {
      next(error);
    }
  });
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  cache?.close();
  context?.live.close();
  await new Promise((resolve) => server?.close(resolve));
});

interface Answer {
  status: number;
  body: string;
  headers: Headers;
  /** The nonce the CSP header allows, and every nonce written in the page. */
  policyNonce: string | undefined;
  pageNonces: string[];
}

async function get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${url}${path}`, { headers });
  const body = await response.text();
  return {
    status: response.status,
    body,
    headers: response.headers,
    policyNonce: /'nonce-([^']+)'/.exec(response.headers.get("Content-Security-Policy") ?? "")?.[1],
    pageNonces: [...body.matchAll(/nonce="([^"]*)"/g)].map((m) => m[1]!),
  };
}

async function freshCampaign(values: Parameters<typeof createCampaign>[1] = {}) {
  const id = await createCampaign(database().db, values);
  const slug = values.slug ?? `campaign-${id.slice(0, 8)}`;
  return { id, path: `/campaigns/${slug}` };
}

test("two anonymous visitors get one render, each answer with its own nonce, the one its CSP header allows", async () => {
  const { path } = await freshCampaign({ title: "Le fournil" });
  const before = renders;
  const first = await get(path);
  const second = await get(path);
  expect([first.status, second.status]).toEqual([200, 200]);
  expect(first.headers.get("X-Render-Cache")).toBe("miss");
  expect(second.headers.get("X-Render-Cache")).toBe("hit");
  expect(renders - before).toBe(1);
  for (const answer of [first, second]) {
    expect(answer.body).toContain("<h1>Le fournil</h1>");
    expect(answer.body).toContain("TEST MODE");
    expect(answer.pageNonces).toHaveLength(2);
    expect(new Set(answer.pageNonces)).toEqual(new Set([answer.policyNonce]));
    expect(answer.body).not.toContain(cache.placeholder);
    // A CDN must not keep it: the next visitor would get this response's nonce.
    expect(answer.headers.get("Cache-Control")).toBe("private, no-cache");
    expect(answer.headers.get("Vary")).toMatch(/Accept-Language, Cookie/);
  }
  expect(first.policyNonce).not.toBe(second.policyNonce);
});

test("concurrent first visitors wait for one render instead of making fifty", async () => {
  const { path } = await freshCampaign();
  const before = renders;
  const answers = await Promise.all(Array.from({ length: 20 }, () => get(path)));
  expect(renders - before).toBe(1);
  const nonces = answers.map((a) => a.policyNonce);
  expect(new Set(nonces).size).toBe(20);
  for (const answer of answers) expect(new Set(answer.pageNonces)).toEqual(new Set([answer.policyNonce]));
});

test("each language has its own render, chosen by Accept-Language or the language cookie", async () => {
  const { path } = await freshCampaign();
  const english = await get(path, { "Accept-Language": "en-GB,en;q=0.9" });
  const french = await get(path, { "Accept-Language": "fr-FR" });
  expect(english.body).toContain('<html lang="en">');
  expect(french.body).toContain('<html lang="fr">');
  expect(french.headers.get("X-Render-Cache")).toBe("miss");
  // The language cookie wins over the header, and is no reason to skip the cache.
  const chosen = await get(path, { "Accept-Language": "fr-FR", Cookie: "lang=en" });
  expect(chosen.headers.get("X-Render-Cache")).toBe("hit");
  expect(chosen.body).toContain('<html lang="en">');
});

test("a signed-in visitor's page is never served from the cache nor kept for others", async () => {
  const { path } = await freshCampaign();
  const ann = await signedInAs(context, "ann@example.org");
  const before = renders;
  const hers = await get(path, { Cookie: `lang=fr; ${ann.cookie}` });
  expect(hers.body).toContain(ann.csrf);
  expect(hers.headers.get("X-Render-Cache")).toBeNull();
  const again = await get(path, { Cookie: ann.cookie });
  expect(again.headers.get("X-Render-Cache")).toBeNull();
  expect(renders - before).toBe(2);
  // The anonymous visitor after her gets a render of their own, without her token.
  const anonymous = await get(path);
  expect(anonymous.headers.get("X-Render-Cache")).toBe("miss");
  expect(anonymous.body).not.toContain(ann.csrf);
  expect(anonymous.body).not.toContain('name="csrf"');
  // Any other cookie makes the page the visitor's own too.
  expect((await get(path, { Cookie: "tracking=1" })).headers.get("X-Render-Cache")).toBeNull();
  // And so does a query string (it could change what the page shows).
  expect((await get(`${path}?tier=x`)).headers.get("X-Render-Cache")).toBeNull();
});

test("an answer that sets a cookie goes to its visitor alone and is not kept", async () => {
  const { path } = await freshCampaign();
  extraHeaders = { "Set-Cookie": "flash=only-for-you; Path=/; HttpOnly" };
  let first: Answer;
  try {
    first = await get(path);
  } finally {
    extraHeaders = {};
  }
  expect(first.headers.get("Set-Cookie")).toMatch(/^flash=only-for-you/);
  expect(first.headers.get("X-Render-Cache")).toBe("bypass");
  expect(new Set(first.pageNonces)).toEqual(new Set([first.policyNonce]));
  const next = await get(path);
  expect(next.headers.get("Set-Cookie")).toBeNull();
  expect(next.headers.get("X-Render-Cache")).toBe("miss");
});

test("an owner's change drops the cached page at once; a pledge does not (its numbers arrive live)", async () => {
  const { db } = database();
  const { id, path } = await freshCampaign();
  await get(path);
  expect((await get(path)).headers.get("X-Render-Cache")).toBe("hit");

  // A pledge changes the totals only: the page's bar is refreshed by the live stream.
  const pledge = await createPledge(db, id, { amount: 5_000, status: "pending", committed_at: null });
  expect(await commitPledge(db, pledge, {}, new Date("2026-12-01T12:00:00.000Z"))).toBeTruthy();
  expect((await get(path)).headers.get("X-Render-Cache")).toBe("hit");

  const { owner_id } = await db
    .selectFrom("campaigns")
    .select("owner_id")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  await addStretchGoal(
    db,
    { campaignId: id, actor: ownerActor(owner_id) },
    { title: "Un four à bois", target: 2_000_000 },
  );
  const changed = await get(path);
  expect(changed.headers.get("X-Render-Cache")).toBe("miss");
  expect(changed.body).toContain("<li>Un four à bois</li>");
});

test("the deadline's close drops the cached page: it says the campaign is over", async () => {
  const { db } = database();
  const { path } = await freshCampaign({
    deadline_at: "2026-12-08T22:59:59.999Z",
    funding_model: "flexible",
  });
  expect((await get(path)).body).toContain('<p class="status">live</p>');
  expect((await get(path)).headers.get("X-Render-Cache")).toBe("hit");
  await closeCampaignsDue(db, new Date("2026-12-09T00:00:00.000Z"));
  const closed = await get(path);
  expect(closed.headers.get("X-Render-Cache")).toBe("miss");
  expect(closed.body).toContain('<p class="status">succeeded</p>');
});

test("a render is kept for RENDER_CACHE_MS, then made again", async () => {
  const { path } = await freshCampaign();
  await get(path);
  clockMs += 999;
  expect((await get(path)).headers.get("X-Render-Cache")).toBe("hit");
  clockMs += 2;
  expect((await get(path)).headers.get("X-Render-Cache")).toBe("miss");
});

test("a campaign that does not exist is answered, never kept", async () => {
  const before = renders;
  expect((await get("/campaigns/nowhere")).status).toBe(404);
  expect((await get("/campaigns/nowhere")).status).toBe(404);
  expect(renders - before).toBe(2);
});

test("pages are compressed for clients that ask, gzip or Brotli, cached or not", async () => {
  const { path } = await freshCampaign({ story_md: "Une longue histoire. ".repeat(200) });
  const { request } = await import("node:http");
  const encodingOf = (acceptEncoding: string) =>
    new Promise<{ encoding: string | undefined; cache: string | undefined }>((resolve, reject) => {
      request(`${url}${path}`, { headers: { "Accept-Encoding": acceptEncoding } }, (res) => {
        res.resume();
        res.on("end", () =>
          resolve({
            encoding: res.headers["content-encoding"],
            cache: res.headers["x-render-cache"] as string | undefined,
          }),
        );
      })
        .on("error", reject)
        .end();
    });
  expect(await encodingOf("gzip")).toEqual({ encoding: "gzip", cache: "miss" });
  expect(await encodingOf("br, gzip")).toEqual({ encoding: "br", cache: "hit" });
  expect(await encodingOf("identity")).toEqual({ encoding: undefined, cache: "hit" });
});
