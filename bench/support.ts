// What the benchmarks share: a campaign and its committed pledges, written straight to the database;
// for the Stripe ones, a succeeded all-or-nothing campaign whose backers saved a card through
// Checkout (on the local Stripe-compatible server), each pledge due a charge.
import { randomUUID } from "node:crypto";
import http from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Kysely } from "kysely";
import type { Database, NewCampaign, NewPledge } from "#db/schema.ts";
import type { FakeStripe } from "../test/support/stripe-server.ts";

export async function succeededCampaignToCharge(
  db: Kysely<Database>,
  fake: FakeStripe,
  count: number,
  amount = 2_500,
): Promise<{ campaign: string; owner: string }> {
  // Saved cards, as Checkout (setup mode) leaves them: made directly on the local server's side.
  const session = await fake.stripe.checkout.sessions.create({
    mode: "setup",
    currency: "eur",
    success_url: "https://x.example",
  });
  fake.completeCheckout(session.id, "visa");
  const setupIntent = fake.setupIntents.get(String(fake.sessions.get(session.id)?.setup_intent))!;
  const customer = String(setupIntent.customer);
  const paymentMethod = String(setupIntent.payment_method);

  const iso = new Date().toISOString();
  const { campaign, owner } = await benchCampaign(db, {
    status: "succeeded",
    goal_amount: 1_000,
    deadline_at: iso,
    closed_at: iso,
    pledged_amount: count * amount,
    backer_count: count,
  });
  await benchPledges(db, campaign, count, () => ({
    amount,
    gateway: "stripe",
    stripe_customer_id: customer,
    payment_method_id: paymentMethod,
  }));
  return { campaign, owner };
}

/** An owner and their campaign ("bench", all or nothing, in euros), with the fields a benchmark sets. */
export async function benchCampaign(
  db: Kysely<Database>,
  values: Partial<NewCampaign>,
): Promise<{ campaign: string; owner: string }> {
  const iso = new Date().toISOString();
  const owner = randomUUID();
  const campaign = randomUUID();
  await db
    .insertInto("users")
    .values({ id: owner, email: "owner@bench.example", name: "Bench Owner", locale: "fr", created_at: iso })
    .execute();
  await db
    .insertInto("campaigns")
    .values({
      id: campaign,
      slug: "bench",
      owner_id: owner,
      status: "live",
      language: "fr",
      title: "Bench",
      tagline: "Bench",
      story_md: "Bench",
      cover_image: null,
      goal_amount: 1_000,
      currency: "EUR",
      funding_model: "all_or_nothing",
      time_zone: "Europe/Paris",
      duration_days: 15,
      launched_at: iso,
      deadline_at: iso,
      closed_at: null,
      created_at: iso,
      updated_at: iso,
      ...values,
    })
    .execute();
  return { campaign, owner };
}

/** `count` committed pledges of 10 € (500 rows a statement), each shaped further by `pledge(i)`. */
export async function benchPledges(
  db: Kysely<Database>,
  campaign: string,
  count: number,
  pledge: (i: number) => Partial<NewPledge>,
): Promise<void> {
  const iso = new Date().toISOString();
  for (let i = 0; i < count; i += 500) {
    await db
      .insertInto("pledges")
      .values(
        Array.from({ length: Math.min(500, count - i) }, (_, j) => ({
          id: randomUUID(),
          campaign_id: campaign,
          tier_id: null,
          user_id: null,
          backer_name: `Backer ${i + j}`,
          backer_email: `backer${i + j}@bench.example`,
          amount: 1_000,
          currency: "EUR",
          status: "committed" as const,
          anonymous: 0 as const,
          comment: null,
          locale: "fr",
          created_at: iso,
          committed_at: iso,
          updated_at: iso,
          ...pledge(i + j),
        })),
      )
      .execute();
  }
}

/**
 * A scratch copy of the production server build with one more route, `GET /bench-bare`, a bare Remix
 * resource route answering `ok`: the baseline every benchmark measures against in the same run,
 * without the app itself carrying a benchmark route. Pass `build` as the server's SERVER_BUILD.
 */
export function bareRouteBuild(): { build: string; remove: () => void } {
  const scratch = mkdtempSync(join(tmpdir(), "tdt-bench-bare-"));
  const realBuild = pathToFileURL(resolve(import.meta.dirname, "../build/server/index.js")).href;
  const build = join(scratch, "server-build.js");
  // A local `routes` export takes precedence over the one `export *` brings.
  writeFileSync(
    build,
    `import * as build from ${JSON.stringify(realBuild)};
export * from ${JSON.stringify(realBuild)};
export const routes = {
  ...build.routes,
  "routes/bench-bare": {
    id: "routes/bench-bare",
    parentId: "root",
    path: "bench-bare",
    index: undefined,
    caseSensitive: undefined,
    module: { loader: () => new Response("ok", { headers: { "Content-Type": "text/plain" } }) },
  },
  "routes/bench-bare-html": {
    id: "routes/bench-bare-html",
    parentId: "root",
    path: "bench-bare-html",
    index: undefined,
    caseSensitive: undefined,
    module: {
      loader: () =>
        new Response('<!doctype html><html lang="en"><meta name="viewport" content="width=device-width"><title>ok</title><main><p>ok</p></main></html>', {
          headers: { "Content-Type": "text/html; charset=utf-8" },
        }),
    },
  },
  "routes/bench-bare-action": {
    id: "routes/bench-bare-action",
    parentId: "root",
    path: "bench-bare-action",
    index: undefined,
    caseSensitive: undefined,
    module: {
      action: async ({ request }) => {
        await request.formData();
        return new Response(null, { status: 302, headers: { Location: "/bench-bare" } });
      },
      default: () => null,
    },
  },
};
`,
  );
  return { build, remove: () => rmSync(scratch, { recursive: true, force: true }) };
}

export const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The machine's load average before and after a run: shared machines make absolute figures noisy. */
export const loadLine = (before: number[], after: number[]): string =>
  `load average before ${before.map((l) => l.toFixed(2)).join(" ")}, after ${after.map((l) => l.toFixed(2)).join(" ")}`;

/** A form POST over node:http (lighter than fetch, so the client takes less of the 2 cores): its status and Location. */
export function postForm(
  url: string,
  form: URLSearchParams,
  headers: Record<string, string> = {},
  agent?: http.Agent,
): Promise<{ status: number; location: string | null }> {
  const body = form.toString();
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
          ...headers,
        },
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, location: response.headers.location ?? null }),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}
