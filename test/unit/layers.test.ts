// The interface sits on top: a domain folder of app/ (campaigns, pledges, payments, lib, …) never
// imports React, Remix's React package, a route or a component, so its rules run the same in a
// job, a test or a script as behind a page. Hooks live beside the components (app/components/).
// And the folders are layers: no two of them import each other (docs/decisions/027-payments-checkout-ledger.md).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
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
  const statements = [
    /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/g,
    // `import "./x"` for its effects, and `import("./x")`.
    /(?:^|\n)\s*import\s+["']([^"']+)["']/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  return statements.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1]!));
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

/** The folder of app/ an import in `file` reaches, or null: a package, a file at app/'s top, outside app/. */
function folderReached(file: string, specifier: string): string | null {
  const target = specifier.startsWith("~/")
    ? join(app, specifier.slice(2))
    : specifier.startsWith(".")
      ? resolve(dirname(file), specifier)
      : null;
  if (target === null) return null;
  const path = relative(app, target);
  if (path.startsWith("..") || !path.includes(sep)) return null;
  return path.split(sep)[0]!;
}

/** Each folder of app/ → the other folders it imports, with one import that shows it. */
function folderGraph(files: Array<{ file: string; source: string }>): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const { file, source } of files) {
    const from = relative(app, file).split(sep);
    if (from.length < 2) continue;
    for (const specifier of importsOf(source)) {
      const to = folderReached(file, specifier);
      if (to === null || to === from[0]) continue;
      const edges = graph.get(from[0]!) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, `${from.join("/")} imports ${specifier}`);
      graph.set(from[0]!, edges);
    }
  }
  return graph;
}

/** The pairs of folders that import each other, each with an import either way. */
function mutualImports(graph: Map<string, Map<string, string>>): string[] {
  return [...graph].flatMap(([a, edges]) =>
    [...edges]
      .filter(([b]) => a < b && graph.get(b)?.has(a))
      .map(([b, why]) => `${a} <-> ${b}: ${why}; ${graph.get(b)!.get(a)!}`),
  );
}

test("no two folders of app/ import each other", () => {
  const files = filesUnder(app).map((file) => ({ file, source: readFileSync(file, "utf8") }));
  const graph = folderGraph(files);
  expect(graph.get("checkout")?.has("pledges")).toBe(true);
  expect(mutualImports(graph)).toEqual([]);
});

test("the folder graph sees ~/ and relative imports, import type and export … from", () => {
  const graph = folderGraph([
    { file: join(app, "pledges/charging.server.ts"), source: 'import type { G } from "~/payments/gateway";' },
    { file: join(app, "payments/x.server.ts"), source: 'export { y } from "../pledges/pledges.server";' },
    { file: join(app, "ledger/a.ts"), source: 'import { b } from "./b";\nimport { c } from "../lib/c";' },
    {
      file: join(app, "lib/c.ts"),
      source: 'import { z } from "zod";\nimport { boot } from "../boot.server";',
    },
    {
      file: join(app, "notifications/e.ts"),
      source: 'import "~/i18n/f";\nconst g = await import("../jobs/g");',
    },
    { file: join(app, "root.tsx"), source: 'import { d } from "~/ledger/d";' },
  ]);
  expect(Object.fromEntries([...graph].map(([folder, edges]) => [folder, [...edges.keys()]]))).toEqual({
    pledges: ["payments"],
    payments: ["pledges"],
    ledger: ["lib"],
    notifications: ["i18n", "jobs"],
  });
  expect(mutualImports(graph)).toEqual([
    "payments <-> pledges: payments/x.server.ts imports ../pledges/pledges.server; pledges/charging.server.ts imports ~/payments/gateway",
  ]);
});
