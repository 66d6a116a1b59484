// patches/@remix-run+router: matchRoutes keeps a route tree's flattened, ranked branches and each
// compiled path pattern instead of rebuilding them on every call (decision 038). Matching must stay
// exactly what it was, and a tree patched in place (lazy route discovery in the browser) must be
// flattened again.
import { createMemoryHistory, createRouter, matchPath, matchRoutes } from "@remix-run/router";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { expect, test } from "vitest";

const tree = () => [
  {
    id: "root",
    path: "",
    children: [
      { id: "home", index: true },
      { id: "campaign", path: "campaigns/:slug" },
      { id: "pledge", path: "campaigns/:slug/pledge" },
      { id: "splat", path: "*" },
    ],
  },
];

const ids = (matches: { route: { id?: string } }[] | null) => matches?.map((m) => m.route.id) ?? null;

test("the same tree matched again gives the same, fresh answers", () => {
  const routes = tree();
  for (let i = 0; i < 3; i++) {
    expect(ids(matchRoutes(routes, "/"))).toEqual(["root", "home"]);
    expect(ids(matchRoutes(routes, "/campaigns/tiers-lieu/pledge"))).toEqual(["root", "pledge"]);
    const campaign = matchRoutes(routes, "/campaigns/fablab");
    expect(ids(campaign)).toEqual(["root", "campaign"]);
    expect(campaign?.[1]?.params).toEqual({ slug: "fablab" });
    // Answers are built per call: a caller changing one does not change the next.
    (campaign![1]!.params as Record<string, string>).slug = "changed";
    expect(ids(matchRoutes(routes, "/nowhere/at-all"))).toEqual(["root", "splat"]);
  }
  expect(matchRoutes(routes, "/campaigns/fablab")?.[1]?.params).toEqual({ slug: "fablab" });
});

test("a compiled pattern is shared per case sensitivity and end, never across them", () => {
  expect(matchPath({ path: "/Campaigns/:slug", caseSensitive: true }, "/campaigns/a")).toBeNull();
  expect(matchPath({ path: "/Campaigns/:slug", caseSensitive: false }, "/campaigns/a")?.params).toEqual({
    slug: "a",
  });
  expect(matchPath({ path: "/campaigns", end: true }, "/campaigns/a")).toBeNull();
  expect(matchPath({ path: "/campaigns", end: false }, "/campaigns/a")?.pathname).toBe("/campaigns");
});

test("routes patched into a tree in place are matched at once", () => {
  const router = createRouter({ routes: tree(), history: createMemoryHistory() });
  const routes = router.routes;
  expect(ids(matchRoutes(routes, "/campaigns/fablab/updates"))).toEqual(["root", "splat"]);
  router.patchRoutes("root", [{ id: "updates", path: "campaigns/:slug/updates" }]);
  // The router hands out a new array, but the children were pushed into the tree it had (during a
  // navigation's discovery it keeps that array): both must see the new route.
  expect(ids(matchRoutes(routes, "/campaigns/fablab/updates"))).toEqual(["root", "updates"]);
  expect(ids(matchRoutes(router.routes, "/campaigns/fablab/updates"))).toEqual(["root", "updates"]);
  router.dispose();
});

test("the patch is installed in both builds of the router (npm's postinstall runs patch-package)", () => {
  const dist = path.dirname(createRequire(import.meta.url).resolve("@remix-run/router"));
  for (const file of ["router.cjs.js", "router.js"]) {
    expect(readFileSync(path.join(dist, file), "utf8")).toContain("Tour de table patch");
  }
});
