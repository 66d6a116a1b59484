// Anonymous campaign pages rendered once and served many times for a moment (RENDER_CACHE_MS), per
// campaign and language. Each answer is still its own: the render is made with a placeholder where
// the CSP nonce goes, and every response substitutes its own nonce; a request with any cookie but
// the language's, or any query, is never served from the cache nor stored in it; a response that
// sets a cookie is never stored. See docs/decisions/024-render-cache-compression-observability.md.
import { randomBytes } from "node:crypto";
import type { Request as ExpressRequest, Response as ExpressResponse } from "express";
import { localeCookieName, negotiateLocale } from "~/i18n/negotiate.server";
import { onCampaignPagesChanged } from "./page-changes";

/** The one page cached: a campaign's (`.data` requests, the pledge form, live progress are not). */
const cachedPath = /^\/campaigns\/([a-z0-9]+(?:-[a-z0-9]+)*)$/;
const MAX_ENTRIES = 1_000;
const MAX_BYTES = 1024 * 1024;

interface Render {
  status: number;
  headers: [string, string][];
  /** The HTML cut where the nonce goes: joined with each response's own nonce. */
  parts: string[];
  expiresAt: number;
}

export interface RenderCache {
  /** What renders made for the cache receive as their CSP nonce (never sent to anyone). */
  readonly placeholder: string;
  /**
   * Answers a cacheable request from the cache, or renders it (`render`, with `placeholder` as its
   * nonce), stores it when it may be shared, and answers it. False when the request is not cacheable.
   */
  serve(req: ExpressRequest, res: ExpressResponse, render: () => Promise<Response>): Promise<boolean>;
  /** Drops every page (a campaign changed). */
  clear(): void;
  size(): number;
  close(): void;
}

/**
 * True when a request carries a cookie other than the language's: a session, or anything else that
 * may make its page its own. The language cookie only chooses the language.
 */
export function carriesPersonalCookie(cookieHeader: string | undefined): boolean {
  if (!cookieHeader) return false;
  return cookieHeader.split(";").some((pair) => {
    const name = pair.split("=")[0]!.trim();
    return name !== "" && name !== localeCookieName;
  });
}

/** The cache's key for a request, or null when it must be rendered for this visitor alone. */
export function renderCacheKey(req: Pick<ExpressRequest, "method" | "url" | "headers">): string | null {
  if (req.method !== "GET" || req.headers.authorization) return null;
  const match = cachedPath.exec(req.url);
  if (!match) return null;
  const cookie = req.headers.cookie;
  if (carriesPersonalCookie(cookie)) return null;
  const acceptLanguage = req.headers["accept-language"];
  const locale = negotiateLocale(cookie ?? null, typeof acceptLanguage === "string" ? acceptLanguage : null);
  return `${match[1]}\n${locale}`;
}

/** Whether a rendered answer may be shown to other visitors. */
function shareable(response: Response): boolean {
  return (
    response.status === 200 &&
    !response.headers.has("Set-Cookie") &&
    /^text\/html/i.test(response.headers.get("Content-Type") ?? "") &&
    !/no-store|private/i.test(response.headers.get("Cache-Control") ?? "")
  );
}

export function createRenderCache({
  ttlMs,
  now = () => performance.now(),
}: {
  ttlMs: number;
  now?: () => number;
}): RenderCache {
  const placeholder = `tdtnonce${randomBytes(18).toString("hex")}`;
  const entries = new Map<string, Render>();
  const inFlight = new Map<string, Promise<Render | null>>();
  // Bumped by each change: a render begun before a change is answered but not kept.
  let generation = 0;
  const unsubscribe = onCampaignPagesChanged(() => {
    generation++;
    entries.clear();
    inFlight.clear();
  });

  function send(res: ExpressResponse, render: Render, state: "hit" | "miss") {
    res.status(render.status);
    for (const [name, value] of render.headers) res.append(name, value);
    // A shared cache (a CDN) must not keep it: the next visitor would get this response's nonce.
    if (render.expiresAt > 0 || !res.hasHeader("Cache-Control"))
      res.setHeader("Cache-Control", "private, no-cache");
    res.setHeader("Vary", "Accept-Language, Cookie");
    res.setHeader("X-Render-Cache", render.expiresAt > 0 ? state : "bypass");
    res.end(render.parts.join(res.locals.cspNonce as string));
  }

  async function renderOnce(key: string, render: () => Promise<Response>): Promise<Render | null> {
    const started = generation;
    const response = await render();
    const html = await response.text();
    const result: Render = {
      status: response.status,
      // Set-Cookie is only ever kept for this visitor's own answer (below): a stored one has none.
      headers: [...response.headers].filter(([name]) => name !== "content-length"),
      parts: html.split(placeholder),
      expiresAt: now() + ttlMs,
    };
    if (!shareable(response) || html.length > MAX_BYTES || started !== generation) {
      // Not for others: answered to this visitor alone.
      return { ...result, expiresAt: -1 };
    }
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    entries.set(key, result);
    return result;
  }

  return {
    placeholder,
    async serve(req, res, render) {
      if (ttlMs <= 0) return false;
      const key = renderCacheKey(req);
      if (key === null) return false;
      const cached = entries.get(key);
      if (cached && cached.expiresAt > now()) {
        send(res, cached, "hit");
        return true;
      }
      if (cached) entries.delete(key);
      // Visitors arriving while the page is being rendered wait for that render instead of making theirs.
      const pending = inFlight.get(key);
      if (pending) {
        const shared = await pending.catch(() => null);
        if (shared && shared.expiresAt > 0) {
          send(res, shared, "hit");
          return true;
        }
      }
      const mine = renderOnce(key, render);
      if (!pending) inFlight.set(key, mine);
      try {
        const result = await mine;
        if (result) send(res, result, "miss");
        return true;
      } finally {
        if (inFlight.get(key) === mine) inFlight.delete(key);
      }
    },
    clear() {
      generation++;
      entries.clear();
      inFlight.clear();
    },
    size: () => entries.size,
    close: unsubscribe as () => void,
  };
}
