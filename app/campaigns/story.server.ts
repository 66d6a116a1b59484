// Campaign stories are Markdown written by owners: rendered to HTML, then sanitized,
// so that nothing an owner types can run script, restyle the page or make visitors call our routes.
import { marked } from "marked";
import sanitizeHtml from "sanitize-html";

const allowed: sanitizeHtml.IOptions = {
  allowedTags: [
    "h2",
    "h3",
    "h4",
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
  ],
  allowedAttributes: {
    a: ["href", "title", "rel"],
    img: ["src", "alt", "title", "width", "height"],
    th: ["align"],
    td: ["align"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["https"] },
  allowProtocolRelative: false,
  // A story's headings sit under the campaign's own h1.
  transformTags: {
    h1: "h2",
    a: sanitizeHtml.simpleTransform("a", { rel: "nofollow noopener noreferrer" }),
  },
};

/** The one path of ours an image may load: an uploaded file, by its generated name (covers.server.ts). */
const uploadPath = /^\/uploads\/[0-9a-f-]{36}\.(png|jpg|webp)$/;

/**
 * Where a story's image may load from, or null to drop the image. A browser fetches an image by
 * itself, with the visitor's cookies: `<img src="/auth/verify?token=…">` would run one of our routes
 * as the visitor. So an image is either one of our uploads (rewritten to its plain path) or an
 * `https:` URL on another host; relative, protocol-relative, `http:` and same-host URLs are refused.
 * The URL is read as the browser will read it (WHATWG URL: tabs, backslashes, `%2e%2e` and all).
 */
export function safeImageSource(src: string, siteUrl: string): string | null {
  const site = new URL(siteUrl);
  let url: URL;
  try {
    url = new URL(src, site);
  } catch {
    return null;
  }
  // "localhost." is the same host as "localhost" to the resolver, if not to every cookie jar.
  const host = (u: URL) => u.hostname.replace(/\.$/, "");
  if (host(url) === host(site)) {
    // Only a name the upload route itself serves, so that nothing else of ours can be reached.
    const ours = url.origin === site.origin && url.search === "" && uploadPath.test(url.pathname);
    return ours ? url.pathname : null;
  }
  return url.protocol === "https:" ? url.href : null;
}

const rendered = new Map<string, string>();
const RENDERED_KEPT = 200;

/**
 * Markdown → sanitized HTML; `siteUrl` (PUBLIC_URL) says which host is ours. Stories change rarely
 * and are read often: the latest few are kept.
 */
export function renderStory(markdown: string, { siteUrl }: { siteUrl: string }): string {
  const key = `${siteUrl}\n${markdown}`;
  const kept = rendered.get(key);
  if (kept !== undefined) return kept;
  const html = sanitizeHtml(marked.parse(markdown, { async: false, gfm: true, breaks: false }), {
    ...allowed,
    transformTags: {
      ...allowed.transformTags,
      img: (tagName, attribs) => {
        const { src, ...rest } = attribs;
        const safe = src === undefined ? null : safeImageSource(src, siteUrl);
        return { tagName, attribs: safe === null ? rest : { ...rest, src: safe } };
      },
    },
    // An image whose source was refused is dropped whole (its alt text with it).
    exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
  });
  if (rendered.size >= RENDERED_KEPT) rendered.delete(rendered.keys().next().value!);
  rendered.set(key, html);
  return html;
}
