// A backer's private pledge page through its real loader and action: the link's token guards it;
// the backer can change or cancel a saved pledge until the deadline.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { commitPledge, getPledge, startPledge } from "~/pledges/pledges.server";
import { pledgeToken } from "~/auth/pledge-link.server";
import { action, loader } from "~/routes/pledges.$id";
import { testContext } from "../support/context";
import { createCampaign, createTier } from "../support/factories";
import { callRoute } from "../support/routes";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");

async function committedPledge() {
  const { db } = database();
  const campaign = await createCampaign(db, { deadline_at: "2026-12-08T22:59:59.999Z" });
  const small = await createTier(db, campaign, { min_amount: 1_000, stock_limit: 5 });
  const big = await createTier(db, campaign, { min_amount: 5_000, stock_limit: 1, position: 1 });
  const pledge = await startPledge(
    db,
    {
      campaignId: campaign,
      tierId: small,
      amount: 2_000,
      backerName: "Awa",
      backerEmail: "awa@example.org",
      comment: null,
      anonymous: false,
      locale: "fr",
      submissionKey: randomUUID(),
      gateway: "simulated",
    },
    now,
  );
  await commitPledge(db, pledge.id, {}, now);
  return { campaign, small, big, pledge };
}

function call(
  handler: typeof loader | typeof action,
  pledgeId: string,
  token: string,
  form?: Record<string, string>,
  at = now,
) {
  const context = testContext(database(), { clock: () => at });
  return callRoute<{ errors?: Record<string, string>; view?: { pledge: { status: string } } }>(handler, {
    url: `http://localhost:3000/pledges/${pledgeId}?token=${token}`,
    params: { id: pledgeId },
    context,
    form,
  });
}

test("the page opens with the right token only", async () => {
  const { pledge } = await committedPledge();
  const secret = testContext(database()).config.SESSION_SECRET;
  const ok = await call(loader, pledge.id, pledgeToken(secret, pledge.id));
  expect(ok.status).toBe(200);
  expect(ok.data?.view?.pledge.status).toBe("committed");
  expect((await call(loader, pledge.id, "forged-token-forged-token-forged")).status).toBe(403);
  expect((await call(loader, pledge.id, pledgeToken(secret, randomUUID()))).status).toBe(403);
});

test("a backer changes reward and amount; a wrong amount is refused on its field", async () => {
  const { pledge, big } = await committedPledge();
  const token = pledgeToken(testContext(database()).config.SESSION_SECRET, pledge.id);
  const refused = await call(action, pledge.id, token, { intent: "change", tierId: big, amount: "20" });
  expect(refused.status).toBe(400);
  expect(refused.data?.errors).toEqual({ amount: "pledge.error.amountBelowMinimum" });
  const changed = await call(action, pledge.id, token, { intent: "change", tierId: big, amount: "60" });
  expect(changed.status).toBe(302);
  expect(changed.location).toContain("notice=changed");
  expect(await getPledge(database().db, pledge.id)).toMatchObject({ tier_id: big, amount: 6_000 });
});

test("a changed amount with ambiguous separators is refused on its field, and the pledge stays as it was", async () => {
  const { big, pledge } = await committedPledge();
  const token = pledgeToken(testContext(database()).config.SESSION_SECRET, pledge.id);
  // "60.000" in French: 60 000 € or 60,000 €? Never read as either without asking.
  const answer = await call(action, pledge.id, token, { intent: "change", tierId: big, amount: "60.000" });
  expect(answer.status).toBe(400);
  expect(answer.data?.errors).toEqual({ amount: "money.error.ambiguous" });
  expect(await getPledge(database().db, pledge.id)).toMatchObject({ amount: 2_000, status: "committed" });
});

test("a backer cancels before the deadline, and nothing can change after it", async () => {
  const first = await committedPledge();
  const secret = testContext(database()).config.SESSION_SECRET;
  const late = new Date("2026-12-09T08:00:00.000Z");
  const tooLate = await call(
    action,
    first.pledge.id,
    pledgeToken(secret, first.pledge.id),
    { intent: "cancel" },
    late,
  );
  expect(tooLate.status).toBe(409);
  expect(await getPledge(database().db, first.pledge.id)).toMatchObject({ status: "committed" });

  const canceled = await call(action, first.pledge.id, pledgeToken(secret, first.pledge.id), {
    intent: "cancel",
  });
  expect(canceled.status).toBe(302);
  expect(await getPledge(database().db, first.pledge.id)).toMatchObject({
    status: "canceled",
    cancel_reason: "backer",
  });
});
