// The route a request went to, as a pattern (`/campaigns/:slug`), for metrics and logs: labels must be
// few, so a path's own values (slugs, ids, tokens) never become one.
import type { ServerBuild } from "@remix-run/node";

interface Pattern {
  label: string;
  regex: RegExp;
  statics: number;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Every route's whole path (its parents' joined), as a pattern and a regular expression. */
function patternsOf(routes: ServerBuild["routes"]): Pattern[] {
  const fullPath = (id: string): string => {
    const route = routes[id];
    if (!route) return "";
    const own = route.path ?? "";
    const parent = route.parentId ? fullPath(route.parentId) : "";
    return [parent, own].filter(Boolean).join("/");
  };
  const seen = new Map<string, Pattern>();
  for (const id of Object.keys(routes)) {
    const path = fullPath(id);
    const label = `/${path}`;
    if (seen.has(label)) continue;
    const segments = path.split("/").filter(Boolean);
    const source = segments
      .map((segment) => (segment === "*" ? ".*" : segment.startsWith(":") ? "[^/]+" : escape(segment)))
      .join("/");
    seen.set(label, {
      label: label === "/" ? "/" : label,
      regex: new RegExp(`^/${source}/?$`, "i"),
      statics:
        segments.filter((s) => s !== "*" && !s.startsWith(":")).length * 2 - (path.endsWith("*") ? 1 : 0),
    });
  }
  // Most static segments first: `/campaigns/new` before `/campaigns/:slug`, the splat last.
  return [...seen.values()].sort((a, b) => b.statics - a.statics || b.label.length - a.label.length);
}

/** A function from a request path to its route's pattern; `.data` (Remix's data requests) counts as its page. */
export function routeLabeler(build: ServerBuild | undefined): (path: string) => string {
  if (!build) return () => "dev";
  const patterns = patternsOf(build.routes);
  const known = new Map<string, string>();
  return (path) => {
    if (path.startsWith("/assets/")) return "/assets/*";
    if (path === "/metrics") return "/metrics";
    const cached = known.get(path);
    if (cached) return cached;
    const page = path === "/_root.data" ? "/" : path.replace(/\.data$/, "");
    const label = patterns.find((p) => p.regex.test(page))?.label ?? "unmatched";
    // Paths seen often (the home page, a popular campaign) skip the search; the map stays small.
    if (known.size < 1_000) known.set(path, label);
    return label;
  };
}
