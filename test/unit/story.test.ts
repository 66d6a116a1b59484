import { expect, test } from "vitest";
import { renderStory } from "~/campaigns/story.server";

test("Markdown becomes HTML with tables and emphasis", () => {
  const html = renderStory("## Le lieu\n\n**Gras** et *italique*\n\n| a | b |\n|---|---|\n| 1 | 2 |");
  expect(html).toContain("<h2>Le lieu</h2>");
  expect(html).toContain("<strong>Gras</strong>");
  expect(html).toContain("<table>");
});

test("scripts, event handlers and javascript: links are removed", () => {
  const html = renderStory(
    '<script>alert(1)</script>\n\n<img src="https://x.example/a.png" onerror="alert(2)">\n\n[click](javascript:alert(3)) <iframe src="https://evil.example"></iframe>',
  );
  expect(html).not.toMatch(/script|onerror|javascript:|iframe/i);
  expect(html).toContain('<img src="https://x.example/a.png" />');
});

test("links are marked nofollow and a story's h1 is demoted below the page's own", () => {
  const html = renderStory("# Title\n\n[site](https://lamachinerie.example)");
  expect(html).toContain("<h2>Title</h2>");
  expect(html).toContain(
    '<a href="https://lamachinerie.example" rel="nofollow noopener noreferrer">site</a>',
  );
});
