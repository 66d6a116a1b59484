// The interface sits on top: a domain folder of app/ (campaigns, pledges, payments, lib, …) never
// imports React, Remix's React package, a route or a component, so its rules run the same in a
// job, a test or a script as behind a page. Hooks live beside the components (app/components/).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, test } from "vitest";

const app = join(import.meta.dirname, "../../app");
const interfaceParts = new Set(["routes", "components"]);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(join(dir, entry.name))
      : /\.tsx?$/.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );
}

function importsOf(source: string): string[] {
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/g)].map(
    (m) => m[1]!,
  );
}

const forbidden = (specifier: string) =>
  specifier === "react" ||
  specifier.startsWith("react/") ||
  specifier === "react-dom" ||
  specifier === "@remix-run/react" ||
  /^~\/(routes|components)\//.test(specifier) ||
  /^(\.\.\/)+(routes|components)\//.test(specifier);

test("no domain folder imports React, Remix's React package, a route or a component", () => {
  const domainFiles = readdirSync(app, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !interfaceParts.has(entry.name))
    .flatMap((entry) => filesUnder(join(app, entry.name)));
  expect(domainFiles.length).toBeGreaterThan(40);
  const offending = domainFiles.flatMap((file) =>
    importsOf(readFileSync(file, "utf8"))
      .filter(forbidden)
      .map((specifier) => `${relative(app, file)} imports ${specifier}`),
  );
  expect(offending).toEqual([]);
});

test("the check sees the imports it is looking for", () => {
  const sample =
    'import { useState } from "react";\nimport type { X } from "~/components/TierCard";\nimport { y } from "./z";';
  expect(importsOf(sample).filter(forbidden)).toEqual(["react", "~/components/TierCard"]);
});
