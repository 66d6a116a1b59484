// A backer who changes or cancels their pledge on its private page is told so by email: queued in the
// transaction of the change (a change that fails or rolls back queues nothing), under a key that
// never queues it twice, in the backer's language with the campaign's title in it, and delivered
// with the private link as the confirmation is.
import { randomUUID } from "node:crypto";
import { beforeEach, expect, test } from "vitest";
import { pledgeToken } from "~/auth/pledge-link.server";
import { inTransaction } from "~/lib/db.server";
import { deliverDueEmails } from "~/notifications/delivery.server";
import { listMailbox, readMailboxMessage } from "~/notifications/mailbox.server";
import { queuePledgeChangeNotice } from "~/notifications/pledge-emails.server";
import { createMailboxTransport } from "~/notifications/transport.server";
import { cancelPledge, changePledge, commitPledge, getPledge, startPledge } from "~/pledges/pledges.server";
import { createCampaign, createTier, createUser, pledgeRequest } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-12-01T10:00:00.000Z");
const later = new Date("2026-12-01T11:00:00.000Z");
const config = {
  PUBLIC_URL: "https://tourdetable.example",
  SESSION_SECRET: "pledge-change-emails-secret-".padEnd(40, "x"),
  MAIL_FROM: "Tour de table <no-reply@tourdetable.example>",
};

beforeEach(async () => {
  const { db } = database();
  await db.deleteFrom("mailbox_messages").execute();
  await db.deleteFrom("email_outbox").execute();
});

async function campaign() {
  const { db } = database();
  const owner = await createUser(db, { email: `owner-${randomUUID().slice(0, 6)}@example.org` });
  const id = await createCampaign(db, { owner_id: owner, title: "Le fablab" });
  await db
    .insertInto("content_translations")
    .values({ subject_type: "campaign", subject_id: id, locale: "en", field: "title", value: "The fablab" })
    .execute();
  return id;
}

async function committedPledge(campaignId: string, amount: number, locale: "fr" | "en", tierId?: string) {
  const { db } = database();
  const pledge = await startPledge(
    db,
    pledgeRequest(campaignId, amount, {
      locale,
      backerName: "Awa",
      tierId: tierId ?? null,
    }),
    now,
  );
  await commitPledge(
    db,
    pledge.id,
    { customerId: `sim_cus_${pledge.id}`, paymentMethodId: "sim_pm_card_visa" },
    now,
  );
  return (await getPledge(db, pledge.id))!;
}

async function outbox(pledgeId: string, kind: string) {
  const rows = await database()
    .db.selectFrom("email_outbox")
    .select(["kind", "dedupe_key", "to_email", "locale", "props", "pledge_id", "campaign_id"])
    .where("pledge_id", "=", pledgeId)
    .where("kind", "=", kind)
    .orderBy("created_at")
    .execute();
  return rows.map(({ props, ...row }) => ({ ...row, props: JSON.parse(props) as Record<string, unknown> }));
}

/** Delivers everything due into the local mailbox; the messages to `to`, newest first, parsed. */
async function delivered(to: string) {
  const { db, engine } = database();
  await deliverDueEmails(
    { db, engine, transport: createMailboxTransport(db), config, workerId: "test" },
    new Date(later.getTime() + 60_000),
  );
  const listed = await listMailbox(db, { to });
  return Promise.all(listed.map(async (m) => (await readMailboxMessage(db, m.id))!));
}

const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

test("a changed amount is confirmed by email, in the backer's language, with the private link", async () => {
  const { db } = database();
  const campaignId = await campaign();
  const pledge = await committedPledge(campaignId, 4_000, "en");
  await changePledge(db, pledge.id, { tierId: null, amount: 6_000 }, later);

  const rows = await outbox(pledge.id, "pledge_changed");
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    to_email: pledge.backer_email,
    locale: "en",
    campaign_id: campaignId,
    props: { amount: 6_000, previousAmount: 4_000, tierTitle: null },
  });
  expect(rows[0]!.dedupe_key).toMatch(new RegExp(`^pledge-changed:${pledge.id}:`));
  // The numbers are the campaign's after the change.
  expect(rows[0]!.props.campaign).toMatchObject({ title: "The fablab", raised: 6_000 });

  const [message, ...others] = (await delivered(pledge.backer_email)).filter((m) =>
    m.subject.includes("is now"),
  );
  expect(others).toEqual([]);
  expect(plain(message!.subject)).toBe("Your pledge to “The fablab” is now €60");
  const text = plain(message!.text);
  expect(text).toContain("Your pledge to “The fablab” goes from €40 to €60.");
  const link = `https://tourdetable.example/pledges/${pledge.id}?token=${pledgeToken(config.SESSION_SECRET, pledge.id)}`;
  expect(text).toContain(link);
  expect(message!.html).toContain(`href="${link}"`);
});

test("a change of reward names the new one, in French for a French backer", async () => {
  const { db } = database();
  const campaignId = await campaign();
  const small = await createTier(db, campaignId, { title: "Un merci", min_amount: 1_000 });
  const big = await createTier(db, campaignId, { title: "Un atelier", min_amount: 5_000, position: 1 });
  const pledge = await committedPledge(campaignId, 2_000, "fr", small);
  await changePledge(db, pledge.id, { tierId: big, amount: 5_000 }, later);
  const [row] = await outbox(pledge.id, "pledge_changed");
  expect(row).toMatchObject({
    locale: "fr",
    props: { amount: 5_000, previousAmount: 2_000, tierTitle: "Un atelier" },
  });
  const [message] = await delivered(pledge.backer_email).then((all) =>
    all.filter((m) => m.subject.includes("modifiée")),
  );
  expect(plain(message!.subject)).toBe("Votre contribution à « Le fablab » est modifiée : 50 €");
  expect(plain(message!.text)).toContain(
    "Votre contribution à « Le fablab » passe de 20 € à 50 € (contrepartie : Un atelier).",
  );
});

test("each change has its own email, a retried one none more, a refused or rolled-back one none", async () => {
  const { db } = database();
  const campaignId = await campaign();
  const pledge = await committedPledge(campaignId, 4_000, "fr");
  await changePledge(db, pledge.id, { tierId: null, amount: 5_000 }, later);
  // The same change queued again (a retried transaction): still one.
  await queuePledgeChangeNotice(db, pledge.id, { amount: 4_000, tierId: null }, later);
  expect(await outbox(pledge.id, "pledge_changed")).toHaveLength(1);
  // A second change later: a second email.
  await changePledge(db, pledge.id, { tierId: null, amount: 4_500 }, new Date(later.getTime() + 1_000));
  expect((await outbox(pledge.id, "pledge_changed")).map((r) => r.props.amount)).toEqual([5_000, 4_500]);

  // Refused (below the minimum): nothing queued.
  await expect(changePledge(db, pledge.id, { tierId: null, amount: 0 }, later)).rejects.toThrow();
  // Rolled back with the transaction it ran in: neither the amount nor its email.
  await expect(
    inTransaction(db, async (trx) => {
      await changePledge(trx, pledge.id, { tierId: null, amount: 9_000 }, new Date(later.getTime() + 2_000));
      throw new Error("rolled back");
    }),
  ).rejects.toThrow("rolled back");
  expect((await getPledge(db, pledge.id))!.amount).toBe(4_500);
  expect(await outbox(pledge.id, "pledge_changed")).toHaveLength(2);

  // Delivered once each, never again.
  const first = await delivered(pledge.backer_email);
  const again = await delivered(pledge.backer_email);
  expect(first.filter((m) => m.subject.includes("modifiée"))).toHaveLength(2);
  expect(again).toHaveLength(first.length);
});

test("the same amount and reward sent again is no change and no email", async () => {
  const { db } = database();
  const pledge = await committedPledge(await campaign(), 4_000, "fr");
  await changePledge(db, pledge.id, { tierId: null, amount: 4_000 }, later);
  expect(await outbox(pledge.id, "pledge_changed")).toEqual([]);
});

test("a cancellation by the backer is confirmed once; a campaign's own cancel sends none", async () => {
  const { db } = database();
  const campaignId = await campaign();
  const pledge = await committedPledge(campaignId, 4_000, "fr");
  expect(await cancelPledge(db, pledge.id, "backer", later)).toBe(true);
  expect(await cancelPledge(db, pledge.id, "backer", later)).toBe(false);
  const rows = await outbox(pledge.id, "pledge_canceled");
  expect(rows).toEqual([
    expect.objectContaining({
      dedupe_key: `pledge-canceled:${pledge.id}`,
      to_email: pledge.backer_email,
      locale: "fr",
      props: expect.objectContaining({ amount: 4_000 }),
    }),
  ]);
  expect(rows[0]!.props.campaign).toMatchObject({ title: "Le fablab", raised: 0, backers: 0 });

  const canceled = (await delivered(pledge.backer_email)).filter((m) => m.subject.includes("annulée"));
  expect(canceled).toHaveLength(1);
  expect(plain(canceled[0]!.subject)).toBe("Votre contribution à « Le fablab » est annulée");
  const text = plain(canceled[0]!.text);
  expect(text).toContain("Votre contribution de 40 € à « Le fablab » est annulée");
  expect(text).toContain(
    `https://tourdetable.example/pledges/${pledge.id}?token=${pledgeToken(config.SESSION_SECRET, pledge.id)}`,
  );

  const other = await committedPledge(campaignId, 3_000, "en");
  expect(await cancelPledge(db, other.id, "campaign_closed", later)).toBe(true);
  expect(await outbox(other.id, "pledge_canceled")).toEqual([]);
});

test("a cancellation rolled back with its transaction sends nothing", async () => {
  const { db } = database();
  const pledge = await committedPledge(await campaign(), 4_000, "en");
  await expect(
    inTransaction(db, async (trx) => {
      await cancelPledge(trx, pledge.id, "backer", later);
      throw new Error("rolled back");
    }),
  ).rejects.toThrow("rolled back");
  expect((await getPledge(db, pledge.id))!.status).toBe("committed");
  expect(await outbox(pledge.id, "pledge_canceled")).toEqual([]);
});
