// withOutageAnswers: a loader or action that cannot reach the database answers 503 (with
// Retry-After, in the visitor's language), anything else goes through untouched.
import { createServer, type AddressInfo } from "node:net";
import type { ServerBuild } from "@remix-run/node";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, test } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";
import { pageLanguage } from "~/i18n/catalogue.server";
import { CampaignError, CheckoutError, LedgerError } from "~/lib/errors";
import { withOutageAnswers } from "~/lib/outage.server";

let unreachable: DatabaseHandle;
beforeAll(async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  unreachable = openDatabase(`postgres://postgres@127.0.0.1:${port}/gone`);
});
afterAll(async () => {
  await unreachable.db.destroy();
});

const readDatabase = async () => (await sql`select 1 as one`.execute(unreachable.db)).rows;
const bug = () => {
  throw new TypeError("a bug");
};

function buildWith(routes: Record<string, Record<string, unknown>>): ServerBuild {
  return {
    routes: Object.fromEntries(Object.entries(routes).map(([id, module]) => [id, { id, path: id, module }])),
  } as unknown as ServerBuild;
}

function args(headers: Record<string, string> = {}) {
  return { request: new Request("http://localhost/x", { headers }), params: {}, context: {} };
}

async function thrownBy(run: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  try {
    await (run as (a: ReturnType<typeof args>) => Promise<unknown>)(args(headers));
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

test("a page whose loader cannot reach the database throws a 503 for the boundary, in the visitor's language", async () => {
  const lines: string[] = [];
  const build = withOutageAnswers(buildWith({ page: { default: () => null, loader: readDatabase } }), (l) =>
    lines.push(l),
  );
  const thrown = await thrownBy(build.routes.page!.module.loader, { "Accept-Language": "en-GB,en;q=0.9" });
  expect(thrown).toBeInstanceOf(Response);
  const response = thrown as Response;
  expect(response.status).toBe(503);
  expect(response.headers.get("Retry-After")).toBe("5");
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  // With where the browser finds the English messages, since no root loader said it.
  expect(await response.json()).toEqual({ outage: true, locale: "en", i18n: pageLanguage("en") });
  // A second failure right after is not logged again.
  await thrownBy(build.routes.page!.module.loader);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^database unreachable, answering 503: Database unavailable: .*ECONNREFUSED/);
});

test("a resource route's action answers a short 503 text", async () => {
  const build = withOutageAnswers(buildWith({ webhook: { action: readDatabase } }), () => undefined);
  const response = (await thrownBy(build.routes.webhook!.module.action, {
    "Accept-Language": "fr",
  })) as Response;
  expect(response.status).toBe(503);
  expect(response.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
  expect(await response.text()).toContain("Service momentanément indisponible");
});

test("other errors, answers and missing functions are left as they are", async () => {
  const build = withOutageAnswers(
    buildWith({ page: { default: () => null, loader: bug }, ok: { loader: () => ({ fine: true }) } }),
    () => undefined,
  );
  const thrown = await thrownBy(build.routes.page!.module.loader);
  expect(thrown).toBeInstanceOf(TypeError);
  expect(build.routes.page!.module.action).toBeUndefined();
  expect(await build.routes.ok!.module.loader!(args() as never)).toEqual({ fine: true });
});

test("an AppError nobody caught answers its own status: JSON with its code and words for a page, text for a resource route", async () => {
  const missing = () => {
    throw new CampaignError("campaign_not_found", "No such campaign");
  };
  const build = withOutageAnswers(
    buildWith({ page: { default: () => null, loader: missing }, csv: { loader: missing } }),
    () => undefined,
  );
  const page = (await thrownBy(build.routes.page!.module.loader)) as Response;
  expect(page).toBeInstanceOf(Response);
  expect(page.status).toBe(404);
  expect(await page.json()).toEqual({
    appError: { code: "campaign_not_found", message: "error.notFound.body" },
  });
  const csv = (await thrownBy(build.routes.csv!.module.loader, { "Accept-Language": "en" })) as Response;
  expect(csv.status).toBe(404);
  expect(csv.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
  expect(await csv.text()).toBe("Page not found\n");
});

test("a 503 AppError (nothing done, try again) keeps its status; a 500 one is a fault and goes through", async () => {
  const unavailable = () => {
    throw new CheckoutError("payment_unavailable", "The payment service did not answer");
  };
  const fault = new LedgerError("ledger_unbalanced", "Entries must sum to zero");
  const build = withOutageAnswers(
    buildWith({
      page: { default: () => null, loader: unavailable },
      broken: {
        default: () => null,
        loader: () => {
          throw fault;
        },
      },
    }),
    () => undefined,
  );
  const page = (await thrownBy(build.routes.page!.module.loader)) as Response;
  expect(page.status).toBe(503);
  expect(await page.json()).toEqual({
    appError: { code: "payment_unavailable", message: "pledge.error.paymentUnavailable" },
  });
  expect(await thrownBy(build.routes.broken!.module.loader)).toBe(fault);
});
