// The ledger's own rules at their edges, where mutation run A left them changeable
// (docs/mutation-testing.md): a posting without any money moving writes nothing, a zero line is
// left out, a fraction of a minor unit is refused wherever it hides, Stripe's fee goes to its own
// account; and the audit log read whole, or one campaign's.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { audit, auditEntries } from "~/ledger/audit.server";
import { post, recordCollection } from "~/ledger/ledger.server";
import { createCampaign } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");

const tx = (campaignId: string) => ({
  sourceKey: `test:${randomUUID()}`,
  kind: "collected" as const,
  campaignId,
  pledgeId: null,
  currency: "EUR",
});

async function entriesOf(sourceKey: string) {
  return database()
    .db.selectFrom("ledger_entries")
    .innerJoin("ledger_transactions", "ledger_transactions.id", "ledger_entries.transaction_id")
    .select(["ledger_entries.account", "ledger_entries.amount"])
    .where("ledger_transactions.source_key", "=", sourceKey)
    .orderBy("ledger_entries.account")
    .execute();
}

async function transactionCount(sourceKey: string) {
  const rows = await database()
    .db.selectFrom("ledger_transactions")
    .select("id")
    .where("source_key", "=", sourceKey)
    .execute();
  return rows.length;
}

test("a posting where no money moves writes nothing; a zero line beside others is left out", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  const nothing = tx(campaign);
  expect(
    await post(
      db,
      nothing,
      [
        { account: "a", amount: 0 },
        { account: "b", amount: 0 },
      ],
      now,
    ),
  ).toBe(false);
  expect(await transactionCount(nothing.sourceKey)).toBe(0);
  const some = tx(campaign);
  expect(
    await post(
      db,
      some,
      [
        { account: "a", amount: 1 },
        { account: "b", amount: 0 },
        { account: "c", amount: -1 },
      ],
      now,
    ),
  ).toBe(true);
  expect(await entriesOf(some.sourceKey)).toEqual([
    { account: "a", amount: 1 },
    { account: "c", amount: -1 },
  ]);
});

test("a fraction of a minor unit is refused even when the other lines are whole and the sum is zero", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  const fractional = tx(campaign);
  await expect(
    post(
      db,
      fractional,
      [
        { account: "a", amount: 100 },
        { account: "b", amount: -100.5 },
        { account: "c", amount: 0.5 },
      ],
      now,
    ),
  ).rejects.toMatchObject({ code: "ledger_not_integer" });
  expect(await transactionCount(fractional.sourceKey)).toBe(0);
  // A cent out of balance is refused too.
  await expect(
    post(
      db,
      tx(campaign),
      [
        { account: "a", amount: 100 },
        { account: "b", amount: -99 },
      ],
      now,
    ),
  ).rejects.toMatchObject({ code: "ledger_unbalanced" });
});

test("a collection with a known fee credits Stripe's fees account with it, out of the owner's share", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  const pledgeId = randomUUID();
  await recordCollection(
    db,
    { pledgeId, campaignId: campaign, amount: 10_000, currency: "EUR", stripeFee: 175 },
    now,
  );
  expect(await entriesOf(`stripe_fee:${pledgeId}`)).toEqual([
    { account: `owner:${campaign}`, amount: 175 },
    { account: "stripe_fees", amount: -175 },
  ]);
  expect(await entriesOf(`collected:${pledgeId}`)).toEqual([
    { account: `owner:${campaign}`, amount: -10_000 },
    { account: "stripe_balance", amount: 10_000 },
  ]);
});

test("the audit log reads whole, or one campaign's entries only", async () => {
  const { db } = database();
  const first = await createCampaign(db);
  const second = await createCampaign(db);
  const actor = { id: null, email: "admin@example.org" };
  const entry = (campaignId: string | null) => ({
    action: "pledge.refund" as const,
    campaignId,
    details: {},
  });
  await audit(db, actor, entry(first), now);
  await audit(db, actor, entry(second), new Date(now.getTime() + 1));
  await audit(db, actor, entry(null), new Date(now.getTime() + 2));
  expect((await auditEntries(db)).map((e) => e.campaignId)).toEqual([null, second, first]);
  expect((await auditEntries(db, { campaignId: first })).map((e) => e.campaignId)).toEqual([first]);
});
