// Issue #15: what an owner is shown before "Submit for review" and an admin checks on the review
// page, computed from the rows: a cover, a story long enough, at least one reward (required), a
// risks-and-challenges text and a payout account that can be paid (advised).
import { expect, test } from "vitest";
import { campaignReadiness, STORY_READY_LENGTH } from "~/campaigns/readiness.server";
import { createCampaign, createTier, createUser } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();

async function readinessOf(id: string) {
  const { db } = database();
  const campaign = await db
    .selectFrom("campaigns")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  const { points, ready } = await campaignReadiness(db, campaign);
  return { ready, missing: points.filter((p) => !p.ok).map((p) => `${p.point}${p.required ? "" : "?"}`) };
}

test("a bare draft lacks its cover, a long enough story and a reward; the payout account is advised", async () => {
  const { db } = database();
  const id = await createCampaign(db, { status: "draft", story_md: "Trop court." });
  expect(await readinessOf(id)).toEqual({
    ready: false,
    missing: ["cover", "story", "reward", "risks?", "payoutAccount?"],
  });
});

test("with a cover, a story of the length asked and a reward it is ready; a payout account completes it", async () => {
  const { db } = database();
  const owner = await createUser(db);
  const id = await createCampaign(db, {
    owner_id: owner,
    status: "draft",
    cover_image: "/uploads/cover.webp",
    story_md: "x".repeat(STORY_READY_LENGTH - 1),
  });
  await createTier(db, id);
  expect(await readinessOf(id)).toEqual({ ready: false, missing: ["story", "risks?", "payoutAccount?"] });

  await db
    .updateTable("campaigns")
    .set({ story_md: "x".repeat(STORY_READY_LENGTH) })
    .where("id", "=", id)
    .execute();
  expect(await readinessOf(id)).toEqual({ ready: true, missing: ["risks?", "payoutAccount?"] });

  const at = new Date().toISOString();
  await db
    .insertInto("payout_accounts")
    .values({
      user_id: owner,
      stripe_account_id: "acct_ready",
      payouts_enabled: 0,
      details_submitted: 1,
      created_at: at,
      updated_at: at,
    })
    .execute();
  expect((await readinessOf(id)).missing).toEqual(["risks?", "payoutAccount?"]);
  await db.updateTable("payout_accounts").set({ payouts_enabled: 1 }).where("user_id", "=", owner).execute();
  expect(await readinessOf(id)).toEqual({ ready: true, missing: ["risks?"] });
  await db
    .updateTable("campaigns")
    .set({ risks_md: "Les travaux pourraient durer un mois de plus." })
    .where("id", "=", id)
    .execute();
  expect(await readinessOf(id)).toEqual({ ready: true, missing: [] });
});

test("a reward of another campaign or a story of blank lines does not count", async () => {
  const { db } = database();
  const other = await createCampaign(db);
  await createTier(db, other);
  const id = await createCampaign(db, {
    status: "draft",
    cover_image: "/uploads/c.webp",
    story_md: `${" \n".repeat(STORY_READY_LENGTH)}ok`,
  });
  expect((await readinessOf(id)).missing).toEqual(["story", "reward", "risks?", "payoutAccount?"]);
});

test("the risks and challenges are advised, not required: blank lines do not count, a word does", async () => {
  const { db } = database();
  const id = await createCampaign(db, {
    status: "draft",
    cover_image: "/uploads/c.webp",
    story_md: "x".repeat(STORY_READY_LENGTH),
    risks_md: " \n\n ",
  });
  await createTier(db, id);
  expect(await readinessOf(id)).toEqual({ ready: true, missing: ["risks?", "payoutAccount?"] });
  await db.updateTable("campaigns").set({ risks_md: "Un retard possible." }).where("id", "=", id).execute();
  expect((await readinessOf(id)).missing).toEqual(["payoutAccount?"]);
});
