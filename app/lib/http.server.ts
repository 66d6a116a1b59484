// What the Express front does to every request before Remix sees it: security headers (CSP with a
// nonce per response), body limits counted on the wire, form-only POSTs from this site, compression,
// static files, a request id with a JSON log line without secrets, and the glue that hands the
// (limited) request to Remix, through the render cache for anonymous campaign pages.
import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import compression from "compression";
import {
  createRequestHandler as createRemixRequestHandler,
  type AppLoadContext,
  type ServerBuild,
} from "@remix-run/node";
import type {
  NextFunction,
  Request as ExpressRequest,
  RequestHandler,
  Response as ExpressResponse,
} from "express";
import express from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import { translate, type Locale } from "~/i18n/catalogue.server";
import type { MessageKey } from "~/i18n/keys";
import { negotiateLocale } from "~/i18n/negotiate.server";
import type { Metrics } from "./metrics.server";
import { carriesPersonalCookie, type RenderCache } from "./render-cache.server";

const KB = 1024;
const MB = 1024 * KB;

/** The most a request body may be, by route family: a cover image, Stripe's events, any other form. */
export const BODY_LIMITS = { form: 64 * KB, cover: 5 * MB, webhook: 1 * MB } as const;

const bodyMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Which limit applies to a path (a Remix `.data` request counts as its page). */
export function bodyLimitFor(path: string): number {
  if (path === "/webhooks/stripe") return BODY_LIMITS.webhook;
  // The campaign editor takes the cover upload (multipart) on the same URL as its other forms.
  if (/^\/manage\/campaigns\/[^/]+(\.data)?$/.test(path)) return BODY_LIMITS.cover;
  return BODY_LIMITS.form;
}

function sizeText(bytes: number, locale: Locale): string {
  const unit = locale === "fr" ? ["Ko", "Mo"] : ["KB", "MB"];
  return bytes >= MB ? `${bytes / MB} ${unit[1]}` : `${bytes / KB} ${unit[0]}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function requestLocaleOf(req: ExpressRequest): Locale {
  return negotiateLocale(req.get("Cookie") ?? null, req.get("Accept-Language") ?? null);
}

/** A short page in the visitor's language, for answers given before Remix (413, 415, 403). */
export function shortPage(locale: Locale, status: number, title: MessageKey, body: MessageKey, params = {}) {
  const t = (key: MessageKey) => escapeHtml(translate(locale, key, params));
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${status} ${t(title)} — ${t("site.name")}</title></head>
<body><main><p>${status}</p><h1>${t(title)}</h1><p>${t(body)}</p><p><a href="/">${t("error.back")}</a></p></main></body></html>
`;
}

function answer(
  req: ExpressRequest,
  res: ExpressResponse,
  status: number,
  title: MessageKey,
  body: MessageKey,
  params = {},
) {
  const locale = requestLocaleOf(req);
  res
    .status(status)
    .type("html")
    .send(shortPage(locale, status, title, body, params));
}

function tooLarge(req: ExpressRequest, res: ExpressResponse, limit: number) {
  answer(req, res, 413, "http.tooLarge.title", "http.tooLarge.body", {
    limit: sizeText(limit, requestLocaleOf(req)),
  });
  discardRest(req);
}

/**
 * The rest of a refused body is read and thrown away (nothing is kept), so the sender gets the 413
 * rather than a reset connection; a sender still sending after 2 s is cut off.
 */
function discardRest(req: ExpressRequest) {
  if (req.readableEnded) return;
  req.unpipe();
  req.resume();
  const timer = setTimeout(() => req.socket.destroy(), 2_000);
  req.once("end", () => clearTimeout(timer));
  req.once("close", () => clearTimeout(timer));
}

class BodyTooLarge extends Error {
  constructor(public readonly limit: number) {
    super(`Request body over ${limit} bytes`);
    this.name = "BodyTooLarge";
  }
}

/** Counts the bytes of a body as they arrive and fails the stream past its limit. */
class LimitedBody extends Transform {
  private received = 0;
  constructor(
    private readonly limit: number,
    private readonly onExceeded: () => void,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.received += chunk.length;
    if (this.received > this.limit) {
      this.onExceeded();
      callback(new BodyTooLarge(this.limit));
      return;
    }
    callback(null, chunk);
  }
}

/**
 * Refuses a body over its limit before anything parses it: at once when Content-Length says so,
 * else (chunked bodies) as soon as the counted bytes pass it. Remix then reads `res.locals.body`.
 */
export function bodyLimit(): RequestHandler {
  return (req, res, next) => {
    if (!bodyMethods.has(req.method)) return next();
    const limit = bodyLimitFor(req.path);
    const declared = Number(req.get("Content-Length"));
    if (Number.isFinite(declared) && declared > limit) return tooLarge(req, res, limit);
    const body = new LimitedBody(limit, () => {
      if (!res.headersSent) tooLarge(req, res, limit);
      else discardRest(req);
    });
    // The 413 is answered by onExceeded; the stream's error only stops a reader, and Node 24 can pass
    // the first chunk (over the limit already) through before the handler starts to read. Unheard,
    // that error would stop the server.
    body.on("error", () => {});
    req.pipe(body);
    res.locals.body = body;
    next();
  };
}

const formTypes = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

function mediaType(contentType: string): string {
  return contentType.split(";")[0]!.trim().toLowerCase();
}

/**
 * State changes come from this site's forms only: a POST must be a form (415 otherwise) and must not
 * come from another origin (403). Stripe's webhooks are JSON from Stripe's servers, signed instead.
 */
export function formsOnly(allowedOrigin: () => string): RequestHandler {
  return (req, res, next) => {
    if (!bodyMethods.has(req.method) || req.path === "/webhooks/stripe") return next();
    const origin = req.get("Origin");
    const sameOrigins = [new URL(allowedOrigin()).origin, `${req.protocol}://${req.get("Host")}`];
    const crossSite =
      origin !== undefined ? !sameOrigins.includes(origin) : req.get("Sec-Fetch-Site") === "cross-site";
    if (crossSite) return answer(req, res, 403, "http.crossOrigin.title", "http.crossOrigin.body");
    const type = mediaType(req.get("Content-Type") ?? "");
    if (
      !formTypes.has(type) ||
      (type === "multipart/form-data" && !/boundary=/i.test(req.get("Content-Type")!))
    )
      return answer(req, res, 415, "http.badType.title", "http.badType.body");
    next();
  };
}

/**
 * Helmet's headers with a Content-Security-Policy whose script nonce is new for every response
 * (`res.locals.cspNonce`, handed to Remix's scripts). Development only reports violations, so that
 * Vite's hot reload keeps working.
 */
export function securityHeaders({
  publicUrl,
  production,
}: {
  publicUrl: string;
  production: boolean;
}): RequestHandler[] {
  const nonce: RequestHandler = (_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  };
  const policy = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      reportOnly: !production,
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'self'", (_req, res) => `'nonce-${(res as ExpressResponse).locals.cspNonce}'`],
        // Progress bars and the statement's split bar set their width in a style attribute; the
        // inlined stylesheet carries the response's nonce; no other <style> element, and no
        // stylesheet from elsewhere, is allowed.
        "style-src": ["'self'", (_req, res) => `'nonce-${(res as ExpressResponse).locals.cspNonce}'`],
        "style-src-attr": ["'unsafe-inline'"],
        // Covers are local uploads; stories may show https images (sanitized, https only).
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        // The simulated checkout is on this site; Stripe Checkout is reached by a redirect, not a form.
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
      },
    },
    strictTransportSecurity: publicUrl.startsWith("https:")
      ? { maxAge: 31_536_000, includeSubDomains: true }
      : false,
    xFrameOptions: { action: "deny" },
    referrerPolicy: { policy: "strict-origin-when-cross-origin" },
  });
  const permissions: RequestHandler = (_req, res, next) => {
    res.setHeader(
      "Permissions-Policy",
      "camera=(), microphone=(), geolocation=(), usb=(), payment=(self), fullscreen=(self)",
    );
    next();
  };
  return [nonce, policy, permissions, embeddable];
}

/** The widget (`/campaigns/<slug>/embed`): the only page other sites may frame. */
const embedPath = /^\/campaigns\/[^/]+\/embed\/?$/;
/** The progress badge: an image other sites may show. */
const badgePath = /^\/campaigns\/[^/]+\/badge\.svg$/;

const embeddable: RequestHandler = (req, res, next) => {
  if (embedPath.test(req.path)) {
    for (const name of ["Content-Security-Policy", "Content-Security-Policy-Report-Only"]) {
      const policy = res.getHeader(name);
      if (typeof policy === "string")
        res.setHeader(name, policy.replace("frame-ancestors 'none'", "frame-ancestors *"));
    }
    res.removeHeader("X-Frame-Options");
  }
  if (badgePath.test(req.path)) res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
  next();
};

/** Query parameters that carry a secret somewhere on the site (pledge links, sign-in, unsubscribe, CSRF). */
const secretParams = new Set(["token", "t", "csrf", "code", "state", "secret", "signature"]);
/** Paths whose own segment is a capability: the simulated checkout's session id. */
const secretSegments: RegExp[] = [/^(\/checkout\/simulated\/)[^/?]+/];

/** A URL as the request log may show it: every token replaced, the unsubscribe address too. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url, "http://log.invalid");
  } catch {
    return url.split("?")[0]!;
  }
  let path = parsed.pathname;
  for (const pattern of secretSegments) path = path.replace(pattern, "$1[redacted]");
  const params = [...parsed.searchParams].map(([name, value]) => {
    const secret = secretParams.has(name.toLowerCase()) || (path.startsWith("/unsubscribe") && name === "e");
    return `${encodeURIComponent(name)}=${secret ? "[redacted]" : encodeURIComponent(value)}`;
  });
  return `${path}${params.length ? `?${params.join("&")}` : ""}`;
}

/** A request id from the proxy in front is kept when it looks like one; else a new one. */
const requestIdPattern = /^[\w.:@-]{1,128}$/;

/**
 * Each request gets an id (`X-Request-Id`, kept from a proxy in front or made here), and once its
 * answer is sent: its duration in the metrics by route pattern, and one JSON log line (method,
 * redacted URL, status, time, route, id) when `logger` is given.
 */
export function requestContext({
  logger,
  metrics,
  routeOf,
}: {
  logger?: Logger;
  metrics?: Metrics;
  routeOf: (path: string) => string;
}): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get("X-Request-Id");
    const id = incoming && requestIdPattern.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader("X-Request-Id", id);
    const started = process.hrtime.bigint();
    // On close, which follows a finished response and also one the client gave up on before its
    // end (logged with `aborted`: a request that was never answered in full still happened).
    res.once("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(req.path);
      metrics?.observeRequest(req.method, route, res.statusCode, seconds);
      logger?.info(
        {
          reqId: id,
          method: req.method,
          url: redactUrl(req.originalUrl),
          status: res.statusCode,
          ms: Math.round(seconds * 10_000) / 10,
          route,
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        "request",
      );
    });
    next();
  };
}

/**
 * gzip or Brotli (quality 4, the package's default: fast enough per response) for what compresses:
 * HTML, JSON, JavaScript, CSS, SVG. Never Server-Sent Events: a compressor holds bytes back until
 * it has enough, and live progress must reach the browser as each event is written.
 */
export function compress(): RequestHandler {
  return compression({
    filter(req, res) {
      if (/^text\/event-stream/i.test(String(res.getHeader("Content-Type") ?? ""))) return false;
      return compression.filter(req, res);
    },
  });
}

function filesUnder(root: string): string[] {
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => `/${relative(root, join(entry.parentPath, entry.name)).split(sep).join("/")}`);
  } catch {
    return [];
  }
}

/**
 * The production build's client files. Hashed assets (`/assets/…`, never changed under a name) are
 * cached for a year; the others (the favicon) for an hour. The files outside `/assets` are listed
 * once at start, so that a page's request goes straight to Remix instead of asking the disk first.
 */
export function clientFiles(root: string): RequestHandler {
  const router = express.Router();
  router.use(
    "/assets",
    express.static(join(root, "assets"), { immutable: true, maxAge: "1y", index: false, redirect: false }),
  );
  const others = express.static(root, { maxAge: "1h", index: false, redirect: false });
  const known = new Set(filesUnder(root).filter((path) => !path.startsWith("/assets/")));
  router.use((req, res, next) => (known.has(req.path) ? others(req, res, next) : next()));
  return router;
}

function remixHeaders(incoming: ExpressRequest["headers"]): Headers {
  const headers = new Headers();
  for (const [name, values] of Object.entries(incoming)) {
    if (Array.isArray(values)) for (const value of values) headers.append(name, value);
    else if (values) headers.set(name, values);
  }
  return headers;
}

async function sendRemixResponse(
  req: ExpressRequest,
  res: ExpressResponse,
  response: Response,
): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [name, value] of response.headers.entries()) res.append(name, value);
  // Pages say what a cache may do with them: never shared (each carries its own CSP nonce), and
  // never kept at all when they may hold a visitor's own things (a session's pages, CSRF tokens).
  if (
    /^text\/html/i.test(response.headers.get("Content-Type") ?? "") &&
    !response.headers.has("Cache-Control")
  )
    res.setHeader(
      "Cache-Control",
      carriesPersonalCookie(req.headers.cookie) ? "private, no-store" : "private, no-cache",
    );
  // Live progress (Server-Sent Events) must reach the browser before the first event.
  if (/text\/event-stream/i.test(response.headers.get("Content-Type") ?? "")) res.flushHeaders();
  if (response.body) await writeBody(response.body, res);
  else res.end();
}

/**
 * Remix's writeReadableStreamToWritable, plus: a reader that goes away cancels the stream. A stream
 * that never ends by itself (live progress) would otherwise live on, written to a closed socket: the
 * request's abort signal cannot be relied on, as Remix hands the loader a copy of the request whose
 * signal follows ours only as long as the garbage collector leaves the copy's internal controller.
 */
async function writeBody(body: ReadableStream<Uint8Array>, res: ExpressResponse): Promise<void> {
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  res.once("close", cancel);
  const flushable = res as ExpressResponse & { flush?: () => void };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return void res.end();
      res.write(value);
      flushable.flush?.();
    }
  } catch (error) {
    res.destroy(error as Error);
    throw error;
  } finally {
    res.off("close", cancel);
  }
}

/** The whole body, already cut at its limit by `bodyLimit` (so at most 5 MB is ever held). */
async function readBody(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * Whether a form body is one we can take: it parses (a broken multipart would otherwise be a 500
 * in the action), and no name or text holds a NUL, which PostgreSQL cannot store in any text.
 */
export function acceptableForm(form: FormData): boolean {
  for (const [name, value] of form)
    if (name.includes("\u0000") || (typeof value === "string" && value.includes("\u0000"))) return false;
  return true;
}

async function readableForm(body: Buffer, contentType: string): Promise<boolean> {
  try {
    const form = await new Response(
      new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length),
      {
        headers: { "Content-Type": contentType },
      },
    ).formData();
    return acceptableForm(form);
  } catch {
    return false;
  }
}

/** The Fetch request Remix reads, with an abort signal for a connection closed early. */
function remixRequest(req: ExpressRequest, res: ExpressResponse, body: Buffer | undefined): Request {
  const [, hostPort] = req.get("host")?.split(":") ?? [];
  const port = Number.parseInt(hostPort ?? "", 10);
  const url = new URL(
    `${req.protocol}://${req.hostname}${Number.isSafeInteger(port) ? `:${port}` : ""}${req.originalUrl}`,
  );
  let controller: AbortController | null = new AbortController();
  res.on("finish", () => (controller = null));
  res.on("close", () => controller?.abort());
  return new Request(url.href, {
    method: req.method,
    headers: remixHeaders(req.headers),
    signal: controller.signal,
    body: body ? new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length) : undefined,
  });
}

/**
 * Express → Remix, as `@remix-run/express` does, but reading the body through its limit; once the
 * limit has answered 413, Remix never sees the request; a form that does not parse is a 400.
 */
export function remixHandler({
  build,
  mode,
  getLoadContext,
  renderCache,
}: {
  build: ServerBuild | (() => Promise<ServerBuild>);
  mode: string;
  getLoadContext: (req: ExpressRequest, res: ExpressResponse) => AppLoadContext;
  /** Anonymous campaign pages rendered once for many (render-cache.server.ts). */
  renderCache?: RenderCache;
}): RequestHandler {
  const handle = createRemixRequestHandler(build, mode);
  return async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    try {
      if (
        renderCache &&
        (await renderCache.serve(req, res, () =>
          handle(remixRequest(req, res, undefined), {
            ...getLoadContext(req, res),
            cspNonce: renderCache.placeholder,
          }),
        ))
      )
        return;
      let body: Buffer | undefined;
      if (req.method !== "GET" && req.method !== "HEAD") {
        try {
          body = await readBody((res.locals.body as Transform | undefined) ?? req);
        } catch (error) {
          // Over the limit: the 413 is already on its way.
          if (res.headersSent) return;
          throw error;
        }
        const type = req.get("Content-Type") ?? "";
        if (formTypes.has(mediaType(type)) && !(await readableForm(body, type)))
          return answer(req, res, 400, "http.badType.title", "http.badType.body");
      }
      const response = await handle(remixRequest(req, res, body), getLoadContext(req, res));
      await sendRemixResponse(req, res, response);
    } catch (error) {
      next(error);
    }
  };
}
