// Small readings of an incoming request shared by loaders and actions.
import type { Locale } from "~/i18n/keys";
import { negotiateLocale } from "~/i18n/negotiate.server";

export function requestLocale(request: Request): Locale {
  return negotiateLocale(request.headers.get("Cookie"), request.headers.get("Accept-Language"));
}

/**
 * A path on this site to go to next, or `fallback` when the value could lead anywhere else.
 * Browsers forgive a lot in a Location header (they drop tabs and newlines, read `\\` as `/`,
 * and `//host` is another site), so the value is decoded first and refused at the first doubt:
 * anything but printable ASCII as sent, control characters or backslashes once decoded (up to
 * four layers deep), a `//` or `/\\` start, a scheme. What is returned is the path as the URL parser reads it.
 */
export function safeRedirectPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return fallback;
  if (!/^[\x21-\x7e]+$/.test(value)) return fallback;
  // Byte by byte, so that no malformed sequence stops the decoding short of a hidden `%09`.
  const decodeOnce = (v: string) =>
    v.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  let decoded = value;
  for (let depth = 0; decodeOnce(decoded) !== decoded; depth++) {
    // Four layers of encoding are not a link anyone made by hand.
    if (depth === 3) return fallback;
    decoded = decodeOnce(decoded);
  }
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(decoded)) return fallback;
  for (const form of [value, decoded]) {
    if (!form.startsWith("/") || form.startsWith("//")) return fallback;
  }
  let url: URL;
  try {
    url = new URL(value, "http://x");
  } catch {
    return fallback;
  }
  const path = url.pathname + url.search + url.hash;
  // Dot segments can rebuild a `//` start (`/.//evil.example`).
  if (url.origin !== "http://x" || !path.startsWith("/") || path.startsWith("//")) return fallback;
  return path;
}

/**
 * The address a request comes from, the one rate limits count. Without a trusted proxy it is the
 * socket's address and X-Forwarded-For is ignored (anyone can write it: a new value per request
 * used to escape the sign-in limit, and no header skipped it). With `trustProxy` = n proxies in
 * front, it is the entry the farthest trusted proxy saw connect (n from the right, counting the
 * socket); `Infinity` trusts the whole header and takes its first entry.
 */
export function clientIp(
  connection: { remoteAddress: string | undefined; forwardedFor: string | string[] | undefined },
  trustProxy: number,
): string {
  const socket = normaliseIp(connection.remoteAddress ?? "") || "unknown";
  if (trustProxy <= 0) return socket;
  const header = Array.isArray(connection.forwardedFor)
    ? connection.forwardedFor.join(",")
    : (connection.forwardedFor ?? "");
  const chain = [
    ...header
      .split(",")
      .map((entry) => normaliseIp(entry.trim()))
      .filter(Boolean),
    socket,
  ];
  return chain[Math.max(0, chain.length - 1 - trustProxy)]!;
}

/** `::ffff:203.0.113.7` is the IPv4 address it wraps; anything not shaped like an address is dropped. */
function normaliseIp(value: string): string {
  const ip = value.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  return /^[0-9a-f.:]{2,45}$/i.test(ip) ? ip.toLowerCase() : "";
}

export function notFound(): Response {
  return new Response("Not Found", { status: 404, statusText: "Not Found" });
}
