// Small readings of an incoming request shared by loaders and actions.
import { negotiateLocale, type Locale } from "./i18n";

export function requestLocale(request: Request): Locale {
  return negotiateLocale(request.headers.get("Cookie"), request.headers.get("Accept-Language"));
}

/** A path on this site to go back to, or "/" when the value could lead elsewhere. */
export function safeRedirectPath(value: unknown, fallback = "/"): string {
  if (
    typeof value !== "string" ||
    !value.startsWith("/") ||
    value.startsWith("//") ||
    value.includes("\\") ||
    // Only printable ASCII: a newline or tab would split or break the Location header, and any
    // other character cannot be sent in it at all (a 500); browsers send paths percent-encoded.
    /[^\x21-\x7e]/.test(value)
  ) {
    return fallback;
  }
  return value;
}

export function notFound(): Response {
  return new Response("Not Found", { status: 404, statusText: "Not Found" });
}
