import { expect, test } from "vitest";
import { renderStory, safeImageSource } from "~/campaigns/story.server";

const site = { siteUrl: "http://localhost:3000" };

test("Markdown becomes HTML with tables and emphasis", () => {
  const html = renderStory("## Le lieu\n\n**Gras** et *italique*\n\n| a | b |\n|---|---|\n| 1 | 2 |", site);
  expect(html).toContain("<h2>Le lieu</h2>");
  expect(html).toContain("<strong>Gras</strong>");
  expect(html).toContain("<table>");
});

test("scripts, event handlers and javascript: links are removed", () => {
  const html = renderStory(
    '<script>alert(1)</script>\n\n<img src="https://x.example/a.png" onerror="alert(2)">\n\n[click](javascript:alert(3)) <iframe src="https://evil.example"></iframe>',
    site,
  );
  expect(html).not.toMatch(/script|onerror|javascript:|iframe/i);
  expect(html).toContain('<img src="https://x.example/a.png" />');
});

test("links are marked nofollow and a story's h1 is demoted below the page's own", () => {
  const html = renderStory("# Title\n\n[site](https://lamachinerie.example)", site);
  expect(html).toContain("<h2>Title</h2>");
  expect(html).toContain(
    '<a href="https://lamachinerie.example" rel="nofollow noopener noreferrer">site</a>',
  );
});

const upload = "/uploads/0b6c1f3e-7d2a-4c1e-9f00-1234567890ab.png";

test.each([
  // Relative paths to our own routes: the visitor's browser would call them with its cookies.
  "/auth/verify?token=x",
  "auth/verify?token=x",
  "./auth/verify?token=x",
  "/sign-out",
  "/account",
  "?token=x",
  // Protocol-relative and backslash forms, which browsers read as another host or as ours.
  "//evil.example/a.png",
  "\\\\evil.example/a.png",
  "/\\evil.example/a.png",
  // Absolute URLs on our own host, whatever the case, scheme or port.
  "http://localhost:3000/auth/verify?token=x",
  "HTTP://LOCALHOST:3000/auth/verify?token=x",
  "https://localhost:3000/auth/verify",
  "https://localhost/auth/verify",
  "http://localhost:4000/auth/verify",
  "https://LocalHost./auth/verify",
  // Encoded and dot-segment variants that a browser resolves to another of our routes.
  "/%61uth/verify?token=x",
  "/uploads/../auth/verify?token=x",
  "/uploads/%2e%2e/auth/verify?token=x",
  "/uploads/..%2fauth/verify",
  "/uploads\\..\\auth\\verify",
  "\t/auth/verify",
  "/au\nth/verify",
  `${upload}?token=x`,
  `${upload}/../../auth/verify`,
  "/uploads/not-a-generated-name.png",
  // Schemes other than https, for an image.
  "http://images.example/a.png",
  "data:image/svg+xml,<svg onload=alert(1)>",
  "javascript:alert(1)",
  "",
])("an image with source %j is refused", (src) => {
  expect(safeImageSource(src, site.siteUrl)).toBeNull();
  const html = renderStory(
    `<p>before</p><img src="${src.replace(/"/g, "&quot;")}" alt="x"><p>after</p>`,
    site,
  );
  expect(html).toBe("<p>before</p><p>after</p>");
});

test("a story image on the public site's own host is refused, and an upload there is kept", () => {
  const publicSite = { siteUrl: "https://tourdetable.example" };
  for (const src of [
    "https://tourdetable.example/auth/verify?token=x",
    "HTTPS://TOURDETABLE.EXAMPLE/auth/verify",
    "https://tourdetable.example:8443/auth/verify",
    "http://tourdetable.example/uploads/0b6c1f3e-7d2a-4c1e-9f00-1234567890ab.png",
    "//tourdetable.example/auth/verify",
    // Scheme-relative on an https page: our own host again.
    "https:/auth/verify",
  ]) {
    expect(safeImageSource(src, publicSite.siteUrl), src).toBeNull();
  }
  expect(safeImageSource(`https://TourDeTable.example${upload}`, publicSite.siteUrl)).toBe(upload);
  // Only our own host is ours: the same path elsewhere is just another site's image.
  expect(safeImageSource("https://localhost/auth/verify", publicSite.siteUrl)).toBe(
    "https://localhost/auth/verify",
  );
});

test("uploads and https images on other hosts are kept, rewritten as the browser reads them", () => {
  expect(safeImageSource(upload, site.siteUrl)).toBe(upload);
  expect(safeImageSource(`uploads/${upload.slice(9)}`, site.siteUrl)).toBe(upload);
  expect(safeImageSource(`http://localhost:3000${upload}`, site.siteUrl)).toBe(upload);
  expect(safeImageSource("HTTPS://Images.Example/a b.png", site.siteUrl)).toBe(
    "https://images.example/a%20b.png",
  );
  const html = renderStory(`![Le lieu](${upload})\n\n![Photo](https://images.example/lieu.jpg)`, site);
  expect(html).toContain(`<img alt="Le lieu" src="${upload}" />`);
  expect(html).toContain('<img alt="Photo" src="https://images.example/lieu.jpg" />');
});

test("srcset and other source attributes never reach the page", () => {
  const html = renderStory(
    '<img src="https://images.example/a.png" srcset="/auth/verify?token=x 2x" data-src="/sign-out"><picture><source srcset="/auth/verify?token=x"></picture>',
    site,
  );
  expect(html.trim()).toBe('<p><img src="https://images.example/a.png" /></p>');
});

test("a Markdown image pointing at our routes is dropped, a link to them stays (navigation is asked for)", () => {
  const html = renderStory("![x](/auth/verify?token=x) [Mon compte](/account)", site);
  expect(html).not.toContain("<img");
  expect(html).toContain('<a href="/account" rel="nofollow noopener noreferrer">Mon compte</a>');
});
