// Every template, rendered in French and English: subject and text are snapshot-tested (a change to
// an email shows up in review), and the HTML carries the links and the language.
import { describe, expect, test } from "vitest";
import { emailTemplates, type CampaignSnapshot, type EmailKind, type EmailLocale } from "../../emails";

const campaign = {
  title: "La Machinerie",
  url: "https://tourdetable.example/campaigns/la-machinerie",
  raised: 1_125_050,
  goal: 1_500_000,
  currency: "EUR",
  percent: 75,
  backers: 181,
  deadline: "2026-12-08T22:59:59.999Z",
  timeZone: "Europe/Paris",
  timeLeft: { unit: "days" as const, value: 3 },
};
const pledgeUrl = "https://tourdetable.example/pledges/p-1?token=t";

const examples: { [K in EmailKind]: Parameters<(typeof emailTemplates)[K]["render"]>[0] } = {
  pledge_confirmation: {
    campaign,
    amount: 4_000,
    tierTitle: "Initiation au fablab",
    fundingModel: "all_or_nothing",
    pledgeUrl,
  },
  pledge_changed: {
    campaign,
    amount: 6_000,
    previousAmount: 4_000,
    tierTitle: "Initiation au fablab",
    pledgeUrl,
  },
  pledge_canceled: { campaign, amount: 4_000, pledgeUrl },
  milestone_reached: { campaign, milestone: { type: "percent", percent: 75 }, audience: "backer" },
  deadline_reminder: { campaign: { ...campaign, timeLeft: { unit: "hours", value: 47 } }, audience: "owner" },
  campaign_succeeded: {
    campaign: { ...campaign, raised: 1_620_000, percent: 108, timeLeft: { unit: "ended", value: 0 } },
    audience: "backer",
    amount: 4_000,
  },
  campaign_failed: { campaign: { ...campaign, timeLeft: { unit: "ended", value: 0 } }, audience: "backer" },
  payment_collected: {
    campaign,
    amount: 4_000,
    collectedAt: "2026-12-09T08:00:00.000Z",
    reference: "pi_123",
    pledgeUrl,
  },
  payment_failed: { campaign, amount: 4_000, pledgeUrl, dropAt: "2026-12-16T08:00:00.000Z" },
  pledge_dropped: { campaign, amount: 4_000 },
  refund_issued: { campaign, refunded: 1_500, totalRefunded: 1_500, pledgeAmount: 4_000 },
  late_checkout_refused: { campaign, amount: 4_000, reason: "sold_out", payment: "released" },
  update_posted: {
    campaign,
    title: "Les travaux commencent",
    excerpt: "Lundi, les électriciens arrivent.",
    url: "https://tourdetable.example/campaigns/la-machinerie#updates",
  },
  owner_daily_digest: {
    campaign,
    day: "2026-12-05",
    newPledges: 12,
    newAmount: 61_000,
    dashboardUrl: campaign.url,
  },
  sign_in_link: { url: "https://tourdetable.example/auth/verify?token=abc", minutes: 20 },
  review_feedback: {
    campaign,
    message: "Ajoutez une photo de l'atelier.",
    editUrl: "https://tourdetable.example/campaigns/c-1/edit",
  },
  campaign_approved: {
    campaign,
    launchText: "jeudi 10 décembre 2026 à 09:30, heure de Paris",
    campaignUrl: "https://tourdetable.example/campaigns/la-machinerie",
  },
  question_asked: {
    campaign,
    authorName: "Awa",
    question: "Les cours seront-ils aussi le samedi ?",
    commentUrl: "https://tourdetable.example/campaigns/la-machinerie#comment-1",
  },
  comment_replied: {
    campaign,
    comment: "Les cours seront-ils aussi le samedi ?",
    reply: "Oui, un samedi sur deux.",
    commentUrl: "https://tourdetable.example/campaigns/la-machinerie#comment-1",
  },
};

const context = (locale: EmailLocale, transactional: boolean) => ({
  locale,
  recipientName: "Camille",
  unsubscribeUrl: transactional ? null : "https://tourdetable.example/unsubscribe?e=c%40example.org&k=x&t=y",
  siteUrl: "https://tourdetable.example",
});

const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe.each(["fr", "en"] as const)("emails in %s", (locale) => {
  test.each(Object.keys(emailTemplates) as EmailKind[])("%s", async (kind) => {
    const template = emailTemplates[kind];
    const transactional = template.category === "transactional";
    const rendered = await (
      template.render as (p: unknown, c: unknown) => Promise<{ subject: string; html: string; text: string }>
    )(examples[kind], context(locale, transactional));
    expect({ subject: plain(rendered.subject), text: plain(rendered.text) }).toMatchSnapshot();
    expect(rendered.html).toContain(`lang="${locale}"`);
    expect(rendered.html).not.toMatch(/<img/);
    expect(rendered.text).toContain(locale === "fr" ? "Bonjour Camille," : "Hello Camille,");
    if (transactional) expect(rendered.text).not.toContain("/unsubscribe");
    else expect(rendered.html).toContain('href="https://tourdetable.example/unsubscribe?');
  });
});

test("every email but the receipts and notices states the campaign's numbers", async () => {
  const rendered = await emailTemplates.milestone_reached.render(
    examples.milestone_reached,
    context("fr", false),
  );
  const text = plain(rendered.text);
  expect(text).toContain("11 250,50 € collectés sur 15 000 € (75 %)");
  expect(text).toContain("181 contributeurs");
  expect(text).toContain("3 jours restants");
  expect(text).toContain("Fin de la collecte : mardi 8 décembre 2026 à 23:59, heure de Paris");
});

test("the numbers box speaks like the campaign page: French hours agree, no backers is 'aucun', thousands are grouped", async () => {
  const numbers = async (locale: EmailLocale, changes: Partial<CampaignSnapshot>) =>
    plain(
      (
        await emailTemplates.deadline_reminder.render(
          { campaign: { ...campaign, ...changes }, audience: "owner" },
          context(locale, false),
        )
      ).text,
    );
  const french = await numbers("fr", { backers: 0, timeLeft: { unit: "hours", value: 47 } });
  expect(french).toContain("47 heures restantes");
  expect(french).toContain("aucun contributeur");
  expect(await numbers("fr", { backers: 1200, timeLeft: { unit: "minutes", value: 1 } })).toMatch(
    /1 200 contributeurs[\s\S]*1 minute restante/,
  );
  expect(await numbers("en", { backers: 0, timeLeft: { unit: "hours", value: 1 } })).toMatch(
    /no backers[\s\S]*1 hour to go/,
  );
});
