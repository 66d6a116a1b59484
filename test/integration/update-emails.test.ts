// An owner's update reaches backers with its Markdown: the HTML part as the campaign page shows the
// update (the same renderer and sanitizing, addresses made absolute for a mail client), the text part
// with its paragraphs apart, links and images spelled out ("photo (https://…)", never
// "!photohttps://…"). And the simulated checkout names the campaign in the reader's language.
import { randomUUID } from "node:crypto";
import { beforeEach, expect, test } from "vitest";
import { postUpdate } from "~/campaigns/authoring.server";
import { getCampaignPage } from "~/campaigns/campaigns.server";
import { renderStory } from "~/campaigns/story.server";
import { loadSimulatedCheckout } from "~/checkout/simulated-checkout.server";
import { deliverDueEmails } from "~/notifications/delivery.server";
import { listMailbox, readMailboxMessage } from "~/notifications/mailbox.server";
import { createMailboxTransport } from "~/notifications/transport.server";
import { attachCheckout, startPledge } from "~/pledges/pledges.server";
import { createCampaign, createPledge, createUser, ownerActor, pledgeRequest } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-12-01T10:00:00.000Z");
const config = {
  PUBLIC_URL: "https://tourdetable.example",
  SESSION_SECRET: "update-emails-secret-".padEnd(40, "x"),
  MAIL_FROM: "Tour de table <no-reply@tourdetable.example>",
};
const upload = `/uploads/${randomUUID()}.jpg`;

const markdown = [
  "Lundi, les **maçons** arrivent dans la cour.",
  "Le plan est [sur notre site](https://fablab.example/plan), et le devis [ici](/campaigns/x).",
  "- du sable\n- de la chaux",
  "![photo du chantier](https://images.example.org/chantier.jpg)",
  `![le four](${upload})`,
  '<script>alert("x")</script><img src="x" onerror="alert(1)"><a href="javascript:alert(1)">piège</a>',
].join("\n\n");

beforeEach(async () => {
  const { db } = database();
  await db.deleteFrom("mailbox_messages").execute();
  await db.deleteFrom("email_outbox").execute();
});

async function campaignWithBackers() {
  const { db } = database();
  const owner = await createUser(db, { email: `owner-${randomUUID().slice(0, 6)}@example.org` });
  const id = await createCampaign(db, { owner_id: owner, title: "Le fablab" });
  await db
    .insertInto("content_translations")
    .values({ subject_type: "campaign", subject_id: id, locale: "en", field: "title", value: "The fablab" })
    .execute();
  const fr = `fr-${randomUUID().slice(0, 6)}@example.org`;
  const en = `en-${randomUUID().slice(0, 6)}@example.org`;
  await createPledge(db, id, { backer_email: fr, locale: "fr" });
  await createPledge(db, id, { backer_email: en, locale: "en" });
  return { id, owner, fr, en };
}

async function deliveredTo(to: string) {
  const { db, engine } = database();
  await deliverDueEmails(
    { db, engine, transport: createMailboxTransport(db), config, workerId: "test" },
    new Date(now.getTime() + 60_000),
  );
  const [listed] = await listMailbox(db, { to });
  return (await readMailboxMessage(db, listed!.id))!;
}

test("an update's email shows its Markdown as HTML, sanitized as on the campaign page", async () => {
  const { db } = database();
  const { id, owner, fr } = await campaignWithBackers();
  await postUpdate(
    db,
    { campaignId: id, actor: ownerActor(owner) },
    { title: "Les travaux commencent", body: markdown, visibility: "public" },
    now,
    { siteUrl: config.PUBLIC_URL },
  );
  const message = await deliveredTo(fr);
  expect(message.subject).toBe("Le fablab — Les travaux commencent");
  const { html } = message;
  expect(html).toContain("<strong>maçons</strong>");
  expect(html).toMatch(/<p[^>]*>Lundi, les <strong>maçons<\/strong> arrivent dans la cour.<\/p>/);
  expect(html).toMatch(/<li[^>]*>du sable<\/li>/);
  expect(html).toMatch(/<a [^>]*href="https:\/\/fablab\.example\/plan"[^>]*>sur notre site<\/a>/);
  // A path of ours becomes an address on the site: a mail client has no page to resolve it against.
  expect(html).toMatch(/<a [^>]*href="https:\/\/tourdetable\.example\/campaigns\/x"/);
  expect(html).toMatch(
    /<img [^>]*src="https:\/\/images\.example\.org\/chantier\.jpg"[^>]*alt="photo du chantier"|<img [^>]*alt="photo du chantier"[^>]*src="https:\/\/images\.example\.org\/chantier\.jpg"/,
  );
  expect(html).toContain(`src="https://tourdetable.example${upload}"`);
  // What the page's sanitizer drops, the email drops too.
  expect(html).not.toMatch(/<script|onerror|javascript:/i);
  // The very HTML the campaign page shows for this update, give or take the email's own attributes.
  const page = await getCampaignPage(db, {
    siteUrl: config.PUBLIC_URL,
    slug: (await slugOf(id))!,
    locale: "fr",
    now,
  });
  const onPage = page!.updates[0]!.html;
  expect(onPage).toContain("<strong>maçons</strong>");
  const forEmail = (s: string) =>
    s
      .replace(/ data-update=""/g, "")
      .replace(/ style="[^"]*"/g, "")
      .replace(/(href|src)="https:\/\/tourdetable\.example\//g, '$1="/');
  expect(forEmail(html)).toContain(forEmail(onPage));
});

async function slugOf(id: string) {
  const row = await database()
    .db.selectFrom("campaigns")
    .select("slug")
    .where("id", "=", id)
    .executeTakeFirst();
  return row?.slug;
}

test("an update's plain text keeps its paragraphs, bold as words, links and images with their address", async () => {
  const { db } = database();
  const { id, owner, en } = await campaignWithBackers();
  await postUpdate(
    db,
    { campaignId: id, actor: ownerActor(owner) },
    { title: "Work starts", body: markdown, visibility: "public" },
    now,
    { siteUrl: config.PUBLIC_URL },
  );
  const message = await deliveredTo(en);
  expect(message.subject).toBe("The fablab — Work starts");
  const { text } = message;
  expect(text).toContain(
    "Lundi, les maçons arrivent dans la cour.\n\nLe plan est sur notre site (https://fablab.example/plan), et le devis ici (https://tourdetable.example/campaigns/x).",
  );
  expect(text).not.toContain("**");
  expect(text).toMatch(/du sable\n[^\n]*de la chaux/);
  expect(text).toContain("photo du chantier (https://images.example.org/chantier.jpg)");
  expect(text).toContain(`le four (https://tourdetable.example${upload})`);
  expect(text).not.toMatch(/!photo|photo du chantierhttps|alert/);
  // The surrounding words are the backer's language.
  expect(text).toContain("News from “The fablab”:");
});

test("the queued update carries the body as the story renderer makes it, not a stripped excerpt", async () => {
  const { db } = database();
  const photo = "![photo](https://images.example.org/a.jpg)";
  const { id, owner } = await campaignWithBackers();
  await postUpdate(
    db,
    { campaignId: id, actor: ownerActor(owner) },
    { title: "Photo", body: photo, visibility: "public" },
    now,
    { siteUrl: config.PUBLIC_URL },
  );
  const rows = await db
    .selectFrom("email_outbox")
    .select("props")
    .where("campaign_id", "=", id)
    .where("kind", "=", "update_posted")
    .execute();
  expect(rows).toHaveLength(2);
  for (const row of rows) {
    const props = JSON.parse(row.props) as { bodyHtml?: string; excerpt?: string };
    expect(props.bodyHtml).toBe(renderStory(photo, { siteUrl: config.PUBLIC_URL }));
    expect(props.excerpt).toBeUndefined();
  }
});

test("the simulated checkout names the campaign in the reader's language", async () => {
  const { db } = database();
  const { id } = await campaignWithBackers();
  const pledge = await startPledge(db, pledgeRequest(id, 2_000, { locale: "en" }), now);
  const session = `sim_cs_${pledge.id}`;
  await attachCheckout(db, pledge.id, { sessionId: session, url: `/checkout/simulated/${session}` }, now);
  expect((await loadSimulatedCheckout(db, session, "en"))?.campaign.title).toBe("The fablab");
  expect((await loadSimulatedCheckout(db, session, "fr"))?.campaign.title).toBe("Le fablab");
  // Untranslated: the title as the owner wrote it.
  await db.deleteFrom("content_translations").where("subject_id", "=", id).execute();
  expect((await loadSimulatedCheckout(db, session, "en"))?.campaign.title).toBe("Le fablab");
});
