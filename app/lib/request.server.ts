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
    // A newline or tab in a Location header would be a 500 (or a header split), never a path here.
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f]/.test(value)
  ) {
    return fallback;
  }
  return value;
}

export function notFound(): Response {
  return new Response("Not Found", { status: 404, statusText: "Not Found" });
}
