// The demo campaigns, made the way real ones are: an owner writes a draft and its rewards, an admin
// launches it, backers pledge through the simulated checkout, the close and the charge run settle the
// funded one. Totals, stock, milestones and the ledger are the domain's own doing, not the demo's.
import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { DatabaseHandle } from "#db/connection.ts";
import type { ContentTranslationsTable, Database, TranslatedSubject } from "#db/schema.ts";
import type { Actor } from "~/auth/policy.server";
import { profileSchema, saveProfile } from "~/auth/profile.server";
import {
  addFaqEntry,
  addStretchGoal,
  addTier,
  createDraft,
  setCover,
  updateRisks,
} from "~/campaigns/authoring.server";
import {
  campaignFormSchema,
  faqFormSchema,
  risksFormSchema,
  tierFormSchema,
} from "~/campaigns/campaign-form";
import { approveCampaign, closeCampaignIfDue, submitForReview } from "~/campaigns/lifecycle.server";
import { inTransaction } from "~/lib/db.server";
import { toInputAmount } from "~/lib/money";
import { campaignDeadline, DAY } from "~/lib/time";
import { completeSimulatedCheckout } from "~/checkout/simulated-checkout.server";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { chargePledgeNow } from "~/pledges/charging.server";
import { startPledge } from "~/pledges/pledges.server";
import {
  demoCampaigns,
  firstNames,
  lastInitials,
  type DemoCampaign,
  type DemoPledges,
} from "./demo-campaigns";

export interface SeedResult {
  created: string[];
  skipped: string[];
}

const currency = "EUR";
const timeZone = "Europe/Paris";
const fundingModel = "all_or_nothing";
/** The admin who approves the demo campaigns: no one signs in as them. */
const demoReviewer: Actor = { id: "demo-reviewer", email: "demo-reviewer@tourdetable.invalid", admin: true };

/**
 * The demo's owners. Users are otherwise made by their first sign-in (auth/sign-in.server.ts), named
 * after their address; these never sign in and have a name of their own, so they are written here.
 */
async function demoOwner(trx: Transaction<Database>, owner: DemoCampaign["owner"], now: Date) {
  const existing = await trx
    .selectFrom("users")
    .select("id")
    .where("email", "=", owner.email)
    .executeTakeFirst();
  if (existing) return existing.id;
  const id = randomUUID();
  await trx
    .insertInto("users")
    .values({ id, email: owner.email, name: owner.name, locale: "fr", created_at: now.toISOString() })
    .execute();
  // Their profile, under the account page's own rules.
  await saveProfile(trx, id, profileSchema.parse(owner.profile));
  return id;
}

interface DemoBacker {
  tierId: string | null;
  amount: number;
  number: number;
  at: Date;
}

/** The demo's backers, numbered across the tiers in order, each at a moment of the days run so far. */
function demoBackers(demo: DemoCampaign, tierIds: string[], launchedAt: Date, ranUntil: Date): DemoBacker[] {
  const backers: DemoBacker[] = [];
  const ran = ranUntil.getTime() - launchedAt.getTime();
  const add = (tierId: string | null, spec: DemoPledges) => {
    for (let i = 0; i < spec.count; i++) {
      const number = backers.length + 1;
      // Spread over the days run, busier at the start, as real campaigns are; always before the end.
      const fraction = ((number * 7919) % 1000) / 1000;
      const at = new Date(launchedAt.getTime() + Math.floor(fraction ** 2 * ran));
      backers.push({ tierId, amount: spec.amount(i), number, at });
    }
  };
  demo.tiers.forEach((tier, position) => add(tierIds[position]!, tier.pledges));
  add(null, demo.noRewardPledges);
  // Played in the order they happened, so that each milestone is reached when the total crossed it.
  return backers.sort((a, b) => a.at.getTime() - b.at.getTime() || a.number - b.number);
}

async function seedCampaign(
  handle: { trx: Transaction<Database>; engine: DatabaseHandle["engine"] },
  demo: DemoCampaign,
  now: Date,
): Promise<void> {
  const { trx, engine } = handle;
  const launchedAt =
    demo.launchedDaysAgo === null ? null : new Date(now.getTime() - demo.launchedDaysAgo * DAY);
  const createdAt = new Date((launchedAt ?? now).getTime() - 10 * DAY);

  // The owner writes the campaign, under the editor's own rules (the forms' schemas).
  const ownerId = await demoOwner(trx, demo.owner, now);
  const input = campaignFormSchema("en").parse({
    title: demo.title[0],
    slug: demo.slug,
    tagline: demo.tagline[0],
    story: demo.story[0],
    goal: toInputAmount(demo.goal, currency, "en"),
    currency,
    fundingModel,
    durationDays: demo.durationDays,
    timeZone,
  });
  const campaignId = await createDraft(trx, ownerId, input, createdAt);
  const owner = { campaignId, actor: { id: ownerId, email: demo.owner.email, admin: false } };
  await setCover(trx, owner, demo.cover);
  const tierIds: string[] = [];
  for (const tier of demo.tiers) {
    const tierInput = tierFormSchema(currency, "en").parse({
      title: tier.title[0],
      description: tier.description[0],
      minimum: toInputAmount(tier.minAmount, currency, "en"),
      limit: tier.stockLimit === null ? "" : String(tier.stockLimit),
      delivery: tier.delivery ?? "",
      shipping: tier.shipping ? "on" : "",
      pickup: tier.pickup ? "on" : "",
      pickupPlace: tier.pickup ?? "",
      ...demoShipping(tier.shippingCosts, currency),
    });
    tierIds.push(await addTier(trx, owner, tierInput, createdAt));
  }
  const goalIds: string[] = [];
  for (const goal of demo.stretchGoals) {
    goalIds.push(
      await addStretchGoal(trx, owner, {
        title: goal.title[0],
        description: goal.description[0],
        target: goal.target,
      }),
    );
  }
  if (demo.risks)
    await updateRisks(trx, owner, risksFormSchema.parse({ risks: demo.risks[0] }).risks, createdAt);
  const faqIds: string[] = [];
  for (const entry of demo.faq ?? []) {
    const faqInput = faqFormSchema.parse({ question: entry.question[0], answer: entry.answer[0] });
    faqIds.push(await addFaqEntry(trx, owner, faqInput, createdAt));
  }
  // English versions, the rows the editor's translation forms write (setCampaignTranslation and
  // setItemTranslation), written at once.
  const english = (
    subject_type: TranslatedSubject,
    subject_id: string,
    fields: Record<string, string>,
  ): ContentTranslationsTable[] =>
    Object.entries(fields).map(([field, value]) => ({
      subject_type,
      subject_id,
      locale: "en",
      field,
      value,
    }));
  await trx
    .insertInto("content_translations")
    .values([
      ...english("campaign", campaignId, {
        title: demo.title[1],
        tagline: demo.tagline[1],
        story_md: demo.story[1],
        ...(demo.risks ? { risks_md: demo.risks[1] } : {}),
      }),
      ...(demo.faq ?? []).flatMap((entry, i) =>
        english("faq_entry", faqIds[i]!, { question: entry.question[1], answer_md: entry.answer[1] }),
      ),
      ...demo.tiers.flatMap((tier, i) =>
        english("reward_tier", tierIds[i]!, { title: tier.title[1], description: tier.description[1] }),
      ),
      ...demo.stretchGoals.flatMap((goal, i) =>
        english("stretch_goal", goalIds[i]!, { title: goal.title[1], description: goal.description[1] }),
      ),
    ])
    .execute();
  if (!launchedAt) return;

  // Submitted for review the day before an admin approved it, which launched it.
  await submitForReview(trx, owner, new Date(launchedAt.getTime() - DAY));
  await approveCampaign(trx, { campaignId, actor: demoReviewer }, null, launchedAt);
  const deadline = campaignDeadline(launchedAt, demo.durationDays, timeZone);

  // Each backer pledges and saves a card on the simulated checkout, as a local install pays.
  const ranUntil = deadline < now ? deadline : now;
  for (const backer of demoBackers(demo, tierIds, launchedAt, ranUntil)) {
    const pledge = await startPledge(
      trx,
      {
        campaignId,
        tierId: backer.tierId,
        amount: backer.amount,
        backerName: `${firstNames[backer.number % firstNames.length]} ${lastInitials[backer.number % lastInitials.length]}.`,
        backerEmail: `backer${backer.number}@${demo.slug}.example`,
        comment: null,
        anonymous: backer.number % 9 === 0,
        locale: backer.number % 5 === 0 ? "en" : "fr",
        submissionKey: randomUUID(),
        gateway: "simulated",
        // A reward sent by post goes somewhere: a made-up address in the campaign's country.
        delivery: demo.tiers[tierIds.indexOf(backer.tierId ?? "")]?.shipping
          ? {
              method: "post",
              name: `${firstNames[backer.number % firstNames.length]} ${lastInitials[backer.number % lastInitials.length]}.`,
              line1: `${1 + (backer.number % 90)} rue de l'Exemple`,
              line2: null,
              postalCode: "80000",
              city: "Amiens",
              country: "FR",
            }
          : null,
      },
      backer.at,
    );
    const outcome = await completeSimulatedCheckout(trx, pledge, fundingModel, backer.at);
    if (outcome !== "committed") throw new Error(`Demo pledge ${backer.number} of ${demo.slug}: ${outcome}`);
  }

  if (demo.status === "succeeded") {
    // Closed at its deadline, then every saved card charged by the charge run, one pledge at a time
    // (this campaign's only: the run as a whole would charge any other campaign's due pledges).
    if ((await closeCampaignIfDue(trx, campaignId, deadline)) !== "succeeded")
      throw new Error(`Demo campaign ${demo.slug} did not reach its goal`);
    const gateway = createSimulatedGateway(trx);
    const pledges = await trx
      .selectFrom("pledges")
      .select("id")
      .where("campaign_id", "=", campaignId)
      .orderBy("created_at")
      .execute();
    for (const { id } of pledges) {
      const charged = await chargePledgeNow({ db: trx, engine, gateway, clock: () => deadline }, id);
      if (charged !== "charged") throw new Error(`Demo pledge ${id} of ${demo.slug}: ${charged}`);
    }
  }

  // The demo's backers and owners are made up (.example addresses): what their pledges, milestones
  // and the close queued for them is dropped before anyone could send it.
  await trx.deleteFrom("email_outbox").where("campaign_id", "=", campaignId).execute();
}

/**
 * Seeds the demo campaigns that are not there yet, in one transaction: a campaign whose slug exists
 * is left alone. `now` is the moment the demo is seen from (launches and pledges are before it).
 */
/** A demo reward's shipping costs as the editor's fields take them (empty: not sent there). */
function demoShipping(costs: [number | null, number | null, number | null] | undefined, currency: string) {
  const typed = (cost: number | null | undefined) =>
    cost === null || cost === undefined ? "" : toInputAmount(cost, currency, "en");
  return { shippingFr: typed(costs?.[0]), shippingEu: typed(costs?.[1]), shippingWorld: typed(costs?.[2]) };
}

export async function seedDemo(
  handle: Pick<DatabaseHandle, "db" | "engine">,
  now: Date,
): Promise<SeedResult> {
  return inTransaction(handle.db, async (trx) => {
    const existing = new Set(
      (
        await trx
          .selectFrom("campaigns")
          .select("slug")
          .where(
            "slug",
            "in",
            demoCampaigns.map((c) => c.slug),
          )
          .execute()
      ).map((row) => row.slug),
    );
    const result: SeedResult = { created: [], skipped: [] };
    for (const demo of demoCampaigns) {
      if (existing.has(demo.slug)) {
        result.skipped.push(demo.slug);
        continue;
      }
      await seedCampaign({ trx, engine: handle.engine }, demo, now);
      result.created.push(demo.slug);
    }
    return result;
  });
}

/** True when the database has no campaign at all: a first start. */
export async function isEmpty(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom("campaigns").select("id").limit(1).executeTakeFirst();
  return row === undefined;
}
