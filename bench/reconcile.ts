// bench/reconcile: an admin's month-end on one large campaign. 10 000 pledges charged through the real
// Stripe SDK against the local Stripe-compatible server, their fees read back, the owner paid by a
// Stripe transfer; then Stripe's balance lines imported (every page, 100 a page), matched against the
// ledger, and the admins' pages' data computed. Reports each step's time, checks that every line
// matches and that importing again writes nothing.
//
//   npm run bench:reconcile -- [--pledges 10000]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "#db/connection.ts";
import { migrateToLatest } from "#db/migrate.ts";
import { createStripeGateway } from "~/payments/stripe.server";
import { campaignStatement } from "~/payouts/statement.server";
import { recordProviderFees } from "~/payouts/provider-fees.server";
import { approvePayout } from "~/payouts/payouts.server";
import { importBalanceLines, reconcile } from "~/payouts/reconciliation.server";
import { payoutQueue, statementView } from "~/payouts/views.server";
import { runChargeRun } from "~/pledges/charging.server";
import { startStripeServer } from "../test/support/stripe-server.ts";
import { succeededCampaignToCharge } from "./support.ts";

const { values } = parseArgs({ options: { pledges: { type: "string", default: "10000" } } });
const count = Number(values.pledges);

const fake = await startStripeServer();
const dir = mkdtempSync(join(tmpdir(), "tdt-bench-reconcile-"));
const handle = openDatabase(join(dir, "bench.sqlite"));
const { db } = handle;
await migrateToLatest(db);
const gateway = createStripeGateway({ secretKey: fake.apiKey, apiUrl: fake.url });
const now = () => new Date();

const { campaign, owner } = await succeededCampaignToCharge(db, fake, count);
await runChargeRun(
  { db, engine: handle.engine, gateway, clock: now },
  { rate: 5_000, concurrency: 20, batch: 500, workerId: "bench" },
);
while ((await recordProviderFees(db, gateway, now())) > 0);

// The owner's Express account, enabled as Stripe's account.updated would say.
const account = await gateway.connect!.createExpressAccount({
  userId: owner,
  email: "owner@bench.example",
  country: "FR",
  idempotencyKey: "bench-account",
});
fake.completeOnboarding(account.accountId);
const iso = now().toISOString();
await db
  .insertInto("payout_accounts")
  .values({
    user_id: owner,
    stripe_account_id: account.accountId,
    payouts_enabled: 1,
    details_submitted: 1,
    created_at: iso,
    updated_at: iso,
  })
  .execute();

const time = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
};
const deps = { db, gateway, defaultFeeBps: 500 };
const { due } = await campaignStatement(db, campaign, 500);
const [payout, approveMs] = await time(() =>
  approvePayout(
    deps,
    { campaignId: campaign, expectedAmount: due, actor: { id: null, email: "bench" } },
    now(),
  ),
);
const pagesBefore = fake.requests.length;
const [imported, importMs] = await time(() => importBalanceLines(deps, { pageSize: 100 }, now()));
const pages = fake.requests.length - pagesBefore;
const [rows, reconcileMs] = await time(() => reconcile(db, { campaignId: campaign }));
const [, queueMs] = await time(() => payoutQueue(db, 500));
const [, statementMs] = await time(() => statementView(deps, campaign, { withAudit: true }));
const [again, reimportMs] = await time(() => importBalanceLines(deps, { pageSize: 100 }, now()));

const unmatched = rows.filter((r) => r.state !== "matched").length;
console.log(
  [
    `bench/reconcile on ${process.platform}/${process.arch}, node ${process.version}, SQLite, local Stripe-compatible server`,
    `pledges: ${count}; payout ${payout.status} by ${payout.method}, ${payout.amount} EUR cents (approval ${approveMs.toFixed(0)} ms)`,
    `import: ${imported.seen} lines over ${pages} pages in ${(importMs / 1000).toFixed(2)} s (${((imported.seen / importMs) * 1000).toFixed(0)} lines/s); ${imported.added} new; payouts confirmed paid: ${imported.payoutsPaid}`,
    `reconcile one campaign: ${rows.length} rows, ${unmatched} not matched, in ${reconcileMs.toFixed(0)} ms`,
    `admins' payouts list data: ${queueMs.toFixed(0)} ms; the campaign's statement page data: ${statementMs.toFixed(0)} ms`,
    `import again: ${again.added} new of ${again.seen} in ${(reimportMs / 1000).toFixed(2)} s`,
  ].join("\n"),
);
await db.destroy();
await fake.close();
rmSync(dir, { recursive: true, force: true });
if (unmatched > 0 || again.added > 0 || payout.status !== "sent") process.exit(1);
