// Issue #16 part 6, RGPD (docs/decisions/042): a person downloads everything the platform holds about
// them, and deletes their account: money records kept with their personal fields replaced (the
// ledger still balances, the totals are unchanged), everything else erased, in one transaction,
// audited; refused while a campaign of theirs runs, a pledge is unsettled or money is due to them.
// And every table with a person's id, email, name, address or IP has its step in the module.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import {
  ANONYMISED_NAME,
  anonymisedEmail,
  deleteAccount,
  deletionBlockers,
  exportPersonalData,
  notPersonalColumns,
  personalDataSteps,
} from "~/auth/personal-data.server";
import { createSession } from "~/auth/session.server";
import { loader as exportLoader } from "~/routes/account.data[.json]";
import { action as deleteAction } from "~/routes/account.delete";
import { testContext } from "../support/context";
import { createCampaign, createPledge, createTier, createUser } from "../support/factories";
import { invariantViolations } from "../support/invariants";
import { collectedPledge, unbalancedTransactions } from "../support/ledger";
import { callRoute } from "../support/routes";
import { signedInAs } from "../support/users";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-12-01T10:00:00.000Z");

/** A column whose name says it holds a person: an id, an email, a name, an address or an IP. */
const personalName =
  /(^|_)(email|user_id|owner_id|actor_id|name|line1|line2|postal_code|city|address|ip)$|_by$|(^|_)donor_/;

test("every table column that names a person is covered by a step of the module, or said not to be personal", async () => {
  const tables = await database().db.introspection.getTables();
  const found = tables
    .filter((table) => !table.name.startsWith("kysely_"))
    .flatMap((table) =>
      table.columns.filter((c) => personalName.test(c.name)).map((c) => `${table.name}.${c.name}`),
    )
    .sort();
  const covered = new Set([
    ...personalDataSteps.flatMap((step) => step.columns.map((c) => `${step.table}.${c}`)),
    ...Object.entries(notPersonalColumns).flatMap(([table, columns]) => columns.map((c) => `${table}.${c}`)),
  ]);
  // A new table or column holding someone: add a step (or a line to notPersonalColumns) in
  // app/auth/personal-data.server.ts.
  expect(found.filter((column) => !covered.has(column))).toEqual([]);
  // And the module names only columns that exist.
  const existing = new Set(tables.flatMap((t) => t.columns.map((c) => `${t.name}.${c.name}`)));
  expect([...covered].filter((column) => !existing.has(column))).toEqual([]);
  expect(found.length).toBeGreaterThan(20);
});

/** Someone with a bit of everything: a paid pledge sent by post, a comment, a report, sessions, emails. */
async function personWithHistory() {
  const db = database().db;
  const email = `camille-${randomUUID().slice(0, 8)}@example.org`;
  const userId = await createUser(db, { email, name: "Camille Martin" });
  await db
    .updateTable("users")
    .set({ bio: "Menuisière", place: "Amiens" })
    .where("id", "=", userId)
    .execute();
  await createSession(db, userId, now);
  await db
    .insertInto("sign_in_tokens")
    .values({
      id: randomUUID(),
      email,
      token_hash: `hash-${randomUUID()}`,
      ip: "203.0.113.7",
      redirect_to: "/account",
      created_at: now.toISOString(),
      expires_at: now.toISOString(),
      used_at: now.toISOString(),
    })
    .execute();
  // Someone else's flexible campaign that the person paid into, and their pledge of it, by post.
  const other = await createUser(db, { email: `owner-${randomUUID().slice(0, 8)}@example.org` });
  const campaignId = await createCampaign(db, { owner_id: other, funding_model: "flexible" });
  const pledgeId = await collectedPledge(db, campaignId, 4_000, now);
  await db
    .updateTable("pledges")
    .set({
      user_id: userId,
      backer_email: email,
      backer_name: "Camille Martin",
      comment: "Bravo !",
      delivery_method: "post",
      ship_name: "Camille Martin",
      ship_line1: "3 rue des Lilas",
      ship_postal_code: "80000",
      ship_city: "Amiens",
      ship_country: "FR",
    })
    .where("id", "=", pledgeId)
    .execute();
  await db
    .insertInto("pledge_origins")
    .values({ pledge_id: pledgeId, client_ip: "203.0.113.7", created_at: now.toISOString() })
    .execute();
  // Someone else's comment that the person reported, and the person's own question.
  const comment = (id: string, author: string, body: string) =>
    db
      .insertInto("campaign_comments")
      .values({
        id,
        campaign_id: campaignId,
        author_user_id: author,
        kind: "question",
        body,
        created_at: now.toISOString(),
        owner_reply: null,
        replied_at: null,
        hidden_at: null,
        hidden_by: null,
      })
      .execute();
  const reported = randomUUID();
  await comment(reported, other, "Un commentaire signalé");
  await db.updateTable("campaign_comments").set({ report_count: 2 }).where("id", "=", reported).execute();
  await db
    .insertInto("comment_reports")
    .values({ comment_id: reported, user_id: userId, created_at: now.toISOString() })
    .execute();
  const own = randomUUID();
  await comment(own, userId, "Quand livrez-vous ?");
  await db
    .insertInto("email_outbox")
    .values({
      id: randomUUID(),
      dedupe_key: `receipt:${pledgeId}`,
      kind: "pledge_receipt",
      to_email: email,
      to_name: "Camille Martin",
      locale: "fr",
      props: "{}",
      campaign_id: campaignId,
      pledge_id: pledgeId,
      status: "sent",
      next_attempt_at: now.toISOString(),
      claimed_by: null,
      claimed_at: null,
      last_error: null,
      message_id: null,
      created_at: now.toISOString(),
      sent_at: now.toISOString(),
    })
    .execute();
  await db
    .insertInto("email_unsubscribes")
    .values({ email, kind: "digest", created_at: now.toISOString() })
    .execute();
  // A campaign of theirs that failed (public once: kept) and a draft (erased), with a tier and its translation.
  const failed = await createCampaign(db, { owner_id: userId, status: "failed" });
  const draft = await createCampaign(db, {
    owner_id: userId,
    status: "draft",
    launched_at: null,
    deadline_at: null,
  });
  const draftTier = await createTier(db, draft);
  await db
    .insertInto("content_translations")
    .values({
      subject_type: "reward_tier",
      subject_id: draftTier,
      locale: "en",
      field: "title",
      value: "Thanks",
    })
    .execute();
  return { userId, email, campaignId, pledgeId, reported, own, failed, draft, draftTier, other };
}

test("the export holds the person's rows and nobody else's", async () => {
  const db = database().db;
  const camille = await personWithHistory();
  const someoneElse = await personWithHistory();
  const data = await exportPersonalData(db, { userId: camille.userId, email: camille.email }, now);
  const text = JSON.stringify(data);
  expect(text).not.toContain(someoneElse.email);
  expect(text).not.toContain("token_hash");
  expect(data.users).toEqual([
    expect.objectContaining({ email: camille.email, bio: "Menuisière", place: "Amiens" }),
  ]);
  expect(data.sessions).toHaveLength(1);
  expect(data.sign_in_tokens).toEqual([expect.objectContaining({ ip: "203.0.113.7" })]);
  expect(data.pledges).toEqual([
    expect.objectContaining({ id: camille.pledgeId, ship_line1: "3 rue des Lilas", comment: "Bravo !" }),
  ]);
  expect(data.pledge_origins).toEqual([expect.objectContaining({ client_ip: "203.0.113.7" })]);
  expect(data.campaign_comments).toEqual([
    expect.objectContaining({ id: camille.own, body: "Quand livrez-vous ?" }),
  ]);
  expect(data.comment_reports).toEqual([expect.objectContaining({ comment_id: camille.reported })]);
  expect((data.campaigns as { id: string }[]).map((c) => c.id).sort()).toEqual(
    [camille.failed, camille.draft].sort(),
  );
  expect(data.email_outbox).toEqual([
    expect.objectContaining({ kind: "pledge_receipt", to_email: camille.email }),
  ]);
  expect(data.email_unsubscribes).toEqual([expect.objectContaining({ kind: "digest" })]);
});

test("deleting the account anonymises the money records, erases the rest, audits it, and the money still adds up", async () => {
  const db = database().db;
  const camille = await personWithHistory();
  const someoneElse = await personWithHistory();
  const totalsBefore = await db
    .selectFrom("campaigns")
    .select(["id", "pledged_amount", "backer_count"])
    .where("id", "=", camille.campaignId)
    .executeTakeFirstOrThrow();
  const ledgerBefore = await db
    .selectFrom("ledger_entries")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();

  const summary = await deleteAccount(db, { userId: camille.userId, email: camille.email }, now);
  expect(summary).toEqual({ pledgesAnonymised: 1, commentsErased: 1, campaignsKept: 1 });

  // The pledge is kept, its money the same, its person gone.
  const pledge = await db
    .selectFrom("pledges")
    .selectAll()
    .where("id", "=", camille.pledgeId)
    .executeTakeFirstOrThrow();
  expect(pledge).toMatchObject({
    user_id: null,
    backer_name: ANONYMISED_NAME,
    backer_email: anonymisedEmail(camille.userId),
    anonymous: 1,
    comment: null,
    ship_name: null,
    ship_line1: null,
    ship_postal_code: null,
    ship_city: null,
    ship_country: "FR",
    status: "collected",
    amount: 4_000,
  });
  expect(
    await db
      .selectFrom("campaigns")
      .select(["id", "pledged_amount", "backer_count"])
      .where("id", "=", camille.campaignId)
      .executeTakeFirstOrThrow(),
  ).toEqual(totalsBefore);
  expect(
    await db
      .selectFrom("ledger_entries")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
  ).toEqual(ledgerBefore);
  expect(await unbalancedTransactions(db)).toEqual([]);
  expect(await invariantViolations(db)).toEqual([]);

  // Erased: sessions, sign-in links, origins, comments and reports (the count follows), emails, the draft.
  const count = async (query: { executeTakeFirstOrThrow: () => Promise<{ n: number | string }> }) =>
    Number((await query.executeTakeFirstOrThrow()).n);
  const n = <T extends Parameters<typeof db.selectFrom>[0]>(table: T) =>
    db.selectFrom(table as "sessions").select((eb) => eb.fn.countAll<number>().as("n"));
  expect(await count(n("sessions").where("user_id", "=", camille.userId))).toBe(0);
  expect(
    await count(
      db
        .selectFrom("sign_in_tokens")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("email", "=", camille.email),
    ),
  ).toBe(0);
  expect(
    await count(
      db
        .selectFrom("pledge_origins")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("pledge_id", "=", camille.pledgeId),
    ),
  ).toBe(0);
  expect(
    await db.selectFrom("campaign_comments").select("id").where("id", "=", camille.own).execute(),
  ).toEqual([]);
  expect(
    await db
      .selectFrom("comment_reports")
      .select("comment_id")
      .where("user_id", "=", camille.userId)
      .execute(),
  ).toEqual([]);
  expect(
    (
      await db
        .selectFrom("campaign_comments")
        .select("report_count")
        .where("id", "=", camille.reported)
        .executeTakeFirstOrThrow()
    ).report_count,
  ).toBe(1);
  expect(
    await db.selectFrom("email_outbox").select("id").where("to_email", "=", camille.email).execute(),
  ).toEqual([]);
  expect(
    await db.selectFrom("email_unsubscribes").select("kind").where("email", "=", camille.email).execute(),
  ).toEqual([]);
  expect(await db.selectFrom("campaigns").select("id").where("id", "=", camille.draft).execute()).toEqual([]);
  expect(
    await db
      .selectFrom("content_translations")
      .select("field")
      .where("subject_id", "=", camille.draftTier)
      .execute(),
  ).toEqual([]);
  // The failed campaign stays, its owner an empty shell.
  const shell = await db
    .selectFrom("users")
    .selectAll()
    .where("id", "=", camille.userId)
    .executeTakeFirstOrThrow();
  expect(shell).toMatchObject({
    email: anonymisedEmail(camille.userId),
    name: ANONYMISED_NAME,
    bio: null,
    place: null,
  });
  expect(await db.selectFrom("users").select("id").where("email", "=", camille.email).execute()).toEqual([]);
  // Audited.
  const entry = await db
    .selectFrom("audit_log")
    .selectAll()
    .where("action", "=", "account.delete")
    .where("subject_id", "=", camille.userId)
    .executeTakeFirstOrThrow();
  expect(entry.actor_email).toBe(anonymisedEmail(camille.userId));
  expect(JSON.parse(entry.details)).toEqual(summary);
  // Nothing of anyone else changed.
  const theirs = await exportPersonalData(db, { userId: someoneElse.userId, email: someoneElse.email }, now);
  expect(theirs.pledges).toEqual([expect.objectContaining({ ship_line1: "3 rue des Lilas" })]);
  expect(theirs.campaign_comments).toHaveLength(1);
  expect(theirs.sessions).toHaveLength(1);
});

test("an account that owns no public campaign goes entirely", async () => {
  const db = database().db;
  const email = `leger-${randomUUID().slice(0, 8)}@example.org`;
  const userId = await createUser(db, { email });
  await deleteAccount(db, { userId, email }, now);
  expect(await db.selectFrom("users").select("id").where("id", "=", userId).execute()).toEqual([]);
});

test("deletion is refused while a campaign of theirs runs, a pledge is unsettled, or money is due to them", async () => {
  const db = database().db;
  const person = async () => {
    const email = `refus-${randomUUID().slice(0, 8)}@example.org`;
    return { email, userId: await createUser(db, { email }) };
  };
  // A live campaign.
  const owner = await person();
  await createCampaign(db, { owner_id: owner.userId, status: "live" });
  expect(await deletionBlockers(db, owner)).toEqual(["campaign_running"]);
  await expect(deleteAccount(db, owner, now)).rejects.toMatchObject({
    code: "account_not_deletable",
    status: 409,
    messageKey: "privacy.delete.blocked.campaign_running",
  });
  // A saved card not yet charged (pledged by address, before having an account).
  const backer = await person();
  await createPledge(db, await createCampaign(db), { status: "committed", backer_email: backer.email });
  expect(await deletionBlockers(db, backer)).toEqual(["pledge_pending"]);
  await expect(deleteAccount(db, backer, now)).rejects.toMatchObject({ code: "account_not_deletable" });
  // A flexible campaign that collected money not yet paid out.
  const paidOwner = await person();
  const ended = await createCampaign(db, { owner_id: paidOwner.userId, funding_model: "flexible" });
  await collectedPledge(db, ended, 5_000, now);
  await db.updateTable("campaigns").set({ status: "succeeded" }).where("id", "=", ended).execute();
  expect(await deletionBlockers(db, paidOwner)).toEqual(["money_due"]);
  // Nothing was touched.
  for (const p of [owner, backer, paidOwner])
    expect(
      await db.selectFrom("users").select("email").where("id", "=", p.userId).executeTakeFirstOrThrow(),
    ).toEqual({ email: p.email });
});

test("through the routes: the JSON file to download, the box to tick, then signed out on the privacy page", async () => {
  const context = testContext(database());
  const email = `route-${randomUUID().slice(0, 8)}@example.org`;
  const user = await signedInAs(context, email);
  const download = await exportLoader({
    request: new Request("http://localhost/account/data.json", { headers: { Cookie: user.cookie } }),
    params: {},
    context,
  } as never);
  expect(download.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(download.headers.get("Content-Disposition")).toMatch(
    /^attachment; filename="tour-de-table-\d{4}-\d\d-\d\d\.json"$/,
  );
  expect(JSON.parse(await download.text()).users[0].email).toBe(email);

  const post = (form: Record<string, string>) =>
    callRoute<{ errors: Record<string, string> }>(deleteAction, {
      url: "http://localhost/account/delete",
      context,
      form: { ...form, csrf: user.csrf },
      headers: { Cookie: user.cookie },
    });
  const unticked = await post({});
  expect(unticked.status).toBe(400);
  expect(unticked.data?.errors.confirm).toBe("privacy.delete.confirmRequired");
  const refusedCsrf = await callRoute(deleteAction, {
    url: "http://localhost/account/delete",
    context,
    form: { confirm: "yes", csrf: "forged" },
    headers: { Cookie: user.cookie },
  }).catch((e: unknown) => e);
  expect((refusedCsrf as { status: number }).status).toBe(403);
  expect(await context.db.selectFrom("users").select("id").where("id", "=", user.id).execute()).toHaveLength(
    1,
  );

  const done = await post({ confirm: "yes" });
  expect(done.location).toBe("/privacy?deleted");
  expect(await context.db.selectFrom("users").select("id").where("id", "=", user.id).execute()).toEqual([]);
});
