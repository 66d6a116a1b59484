// Reading campaigns for the public pages: the live list, one campaign with its tiers, stretch goals
// and FAQ in the reader's language, and the progress numbers every page shows the same way.
import type { Campaign, CampaignStatus, PledgeStatus, TranslatedSubject } from "#db/schema.ts";
import { percentOf } from "~/lib/money";
import { timeLeft, type TimeLeft } from "~/lib/time";
import type { Locale } from "~/i18n/keys";
import type { Db } from "~/lib/db.server";
import { renderStory } from "./story.server";
import { profileOf, publicName, type Profile } from "~/auth/profile.server";

/** Pledges that count toward a campaign's total: a card saved or money taken, not yet given back. */
export const countedPledgeStatuses: readonly PledgeStatus[] = ["committed", "collected", "payment_failed"];

/** Statuses a visitor may see; drafts and campaigns in review stay with their owner. */
export const publicStatuses: readonly CampaignStatus[] = ["live", "succeeded", "failed", "canceled"];

export interface Progress {
  raised: number;
  goal: number;
  currency: string;
  percent: number;
  backers: number;
  deadline: string | null;
  timeLeft: TimeLeft | null;
}

export function campaignProgress(
  campaign: Pick<
    Campaign,
    | "pledged_amount"
    | "goal_amount"
    | "currency"
    | "backer_count"
    | "deadline_at"
    | "status"
    | "final_pledged_amount"
    | "final_backer_count"
  >,
  now: Date,
): Progress {
  const deadline = campaign.deadline_at;
  // A closed campaign shows what it had raised at the close, as people saw it end.
  const raised = campaign.final_pledged_amount ?? campaign.pledged_amount;
  return {
    raised,
    goal: campaign.goal_amount,
    currency: campaign.currency,
    percent: percentOf(raised, campaign.goal_amount),
    backers: campaign.final_backer_count ?? campaign.backer_count,
    deadline,
    timeLeft:
      deadline === null
        ? null
        : campaign.status === "live"
          ? timeLeft(now, new Date(deadline))
          : { unit: "ended", value: 0 },
  };
}

type Translations = Map<string, Record<string, string>>;

async function translationsFor(
  db: Db,
  subjectType: TranslatedSubject,
  ids: string[],
  locale: Locale,
): Promise<Translations> {
  const map: Translations = new Map();
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom("content_translations")
    .select(["subject_id", "field", "value"])
    .where("subject_type", "=", subjectType)
    .where("subject_id", "in", ids)
    .where("locale", "=", locale)
    .execute();
  for (const row of rows) {
    const fields = map.get(row.subject_id) ?? {};
    fields[row.field] = row.value;
    map.set(row.subject_id, fields);
  }
  return map;
}

/** A row with its text fields in the reader's language where the owner wrote a translation. */
function localized<T extends { id: string }, K extends keyof T & string>(
  row: T,
  fields: readonly K[],
  translations: Translations,
): T {
  const found = translations.get(row.id);
  if (!found) return row;
  const copy = { ...row };
  for (const field of fields) {
    const value = found[field];
    if (value !== undefined) (copy as Record<string, unknown>)[field] = value;
  }
  return copy;
}

export interface CampaignCard {
  id: string;
  slug: string;
  title: string;
  tagline: string;
  coverImage: string | null;
  status: CampaignStatus;
  progress: Progress;
}

async function listCampaigns(
  db: Db,
  {
    statuses,
    locale,
    now,
    limit,
    slug,
  }: { statuses: readonly CampaignStatus[]; locale: Locale; now: Date; limit: number; slug?: string },
): Promise<CampaignCard[]> {
  const rows = await db
    .selectFrom("campaigns")
    .selectAll()
    .where("status", "in", statuses)
    .$if(slug !== undefined, (qb) => qb.where("slug", "=", slug!))
    .orderBy("deadline_at", statuses.includes("live") ? "asc" : "desc")
    .limit(limit)
    .execute();
  const translations = await translationsFor(
    db,
    "campaign",
    rows.map((r) => r.id),
    locale,
  );
  return rows.map((row) => {
    const campaign = localized(row, ["title", "tagline"], translations);
    return {
      id: campaign.id,
      slug: campaign.slug,
      title: campaign.title,
      tagline: campaign.tagline,
      coverImage: campaign.cover_image,
      status: campaign.status,
      progress: campaignProgress(campaign, now),
    };
  });
}

/** Live campaigns, the one ending soonest first. */
export function listLiveCampaigns(db: Db, options: { locale: Locale; now: Date; limit?: number }) {
  return listCampaigns(db, { statuses: ["live"], limit: 24, ...options });
}

/** One public campaign as its card shows it (the embeddable widget, the badge), or null. */
export async function publicCampaignCard(
  db: Db,
  options: { slug: string; locale: Locale; now: Date },
): Promise<CampaignCard | null> {
  const [card] = await listCampaigns(db, { statuses: publicStatuses, limit: 1, ...options });
  return card ?? null;
}

/** Campaigns that reached their goal, the most recent first. */
export function listFundedCampaigns(db: Db, options: { locale: Locale; now: Date; limit?: number }) {
  return listCampaigns(db, { statuses: ["succeeded"], limit: 6, ...options });
}

export interface TierView {
  id: string;
  title: string;
  description: string;
  minAmount: number;
  stockLimit: number | null;
  /**
   * Its backers: the units claimed by pledges past their checkout. A pending checkout is not one,
   * though it holds a unit (`remaining`) until it is paid or given up.
   */
  claimed: number;
  /** Units left on sale: the limit less every unit held, pending checkouts' included (never oversold). */
  remaining: number | null;
  soldOut: boolean;
  estimatedDelivery: string | null;
  shippingRequired: boolean;
}

export interface StretchGoalView {
  id: string;
  title: string;
  description: string;
  target: number;
  reached: boolean;
}

export interface CreatorView extends Profile {
  /** The name the page signs the campaign with (publicName). */
  name: string;
}

export interface FaqEntryView {
  id: string;
  question: string;
  /** Its answer's Markdown, rendered and sanitized like the story. */
  answerHtml: string;
}

export interface BudgetLineView {
  id: string;
  label: string;
  amount: number;
}

export interface CampaignPage extends CampaignCard {
  /** What the money buys, in the order the raised total pays it (docs/decisions/041). */
  budgetLines: BudgetLineView[];
  storyHtml: string;
  /** The risks and challenges, rendered like the story; "" when the owner wrote none. */
  risksHtml: string;
  faq: FaqEntryView[];
  /** Who the public reads the campaign is by: the owner's organisation, else display name, else fallback. */
  ownerName: string;
  /** The owner's public profile, for the page's creator section. */
  creator: CreatorView;
  fundingModel: Campaign["funding_model"];
  timeZone: string;
  launchedAt: string | null;
  tiers: TierView[];
  stretchGoals: StretchGoalView[];
  updates: { id: string; title: string; html: string; createdAt: string }[];
  /** Not public yet (a draft, in review): shown to its owner and to admins only, as a preview. */
  preview: boolean;
  /** Its public address (`siteUrl`/campaigns/<slug>), the one shared. */
  url: string;
}

/**
 * One public campaign by its slug, or null when there is none (or it is not public yet). `previewer`:
 * the person asking, who also sees the campaign before it is public when it is theirs or they are
 * an admin, as the public will see it.
 */
export async function getCampaignPage(
  db: Db,
  {
    slug,
    locale,
    now,
    viewerEmail = null,
    siteUrl,
    previewer = null,
  }: {
    slug: string;
    locale: Locale;
    now: Date;
    viewerEmail?: string | null;
    siteUrl: string;
    previewer?: { userId: string; admin: boolean } | null;
  },
): Promise<CampaignPage | null> {
  const row = await db
    .selectFrom("campaigns")
    .innerJoin("users", "users.id", "campaigns.owner_id")
    .selectAll("campaigns")
    .select([
      "users.name as owner_name",
      "users.display_name as owner_display_name",
      "users.organisation as owner_organisation",
      "users.bio as owner_bio",
      "users.place as owner_place",
      "users.website as owner_website",
    ])
    .where("campaigns.slug", "=", slug)
    .executeTakeFirst();
  if (!row) return null;
  const preview = !publicStatuses.includes(row.status);
  if (preview && !(previewer && (previewer.admin || previewer.userId === row.owner_id))) return null;

  const [tierRows, pendingRows, goalRows, updateRows, faqRows, budgetRows] = await Promise.all([
    db.selectFrom("reward_tiers").selectAll().where("campaign_id", "=", row.id).orderBy("position").execute(),
    // A tier's backers: its claimed units less those pending checkouts hold. Only the pending rows
    // are read (a few, by the campaign-and-status index), so the page costs the same at 100 000 pledges.
    db
      .selectFrom("pledges")
      .select((eb) => ["tier_id", eb.fn.countAll<number>().as("held")])
      .where("campaign_id", "=", row.id)
      .where("status", "=", "pending")
      .where("holds_stock", "=", 1)
      .groupBy("tier_id")
      .execute(),
    db
      .selectFrom("stretch_goals")
      .selectAll()
      .where("campaign_id", "=", row.id)
      .orderBy("position")
      .execute(),
    db
      .selectFrom("campaign_updates")
      .select(["id", "title", "body_md", "created_at"])
      .where("campaign_id", "=", row.id)
      // Backers-only updates are for people signed in with an email that backed the campaign.
      .$if(!viewerEmail, (q) => q.where("visibility", "=", "public"))
      .$if(Boolean(viewerEmail), (q) =>
        q.where((eb) =>
          eb.or([
            eb("visibility", "=", "public"),
            eb.exists(
              eb
                .selectFrom("pledges")
                .select("pledges.id")
                .where("pledges.campaign_id", "=", row.id)
                .where("pledges.backer_email", "=", viewerEmail!)
                .where("pledges.status", "in", [...countedPledgeStatuses, "refunded"]),
            ),
          ]),
        ),
      )
      .orderBy("created_at", "desc")
      .execute(),
    db
      .selectFrom("campaign_faq")
      .select(["id", "question", "answer_md"])
      .where("campaign_id", "=", row.id)
      .orderBy("position")
      .execute(),
    db
      .selectFrom("campaign_budget_lines")
      .select(["id", "label", "amount"])
      .where("campaign_id", "=", row.id)
      .orderBy("position")
      .execute(),
  ]);
  const [campaignTexts, tierTexts, goalTexts, faqTexts, budgetTexts] = await Promise.all([
    translationsFor(db, "campaign", [row.id], locale),
    translationsFor(
      db,
      "reward_tier",
      tierRows.map((t) => t.id),
      locale,
    ),
    translationsFor(
      db,
      "stretch_goal",
      goalRows.map((g) => g.id),
      locale,
    ),
    translationsFor(
      db,
      "faq_entry",
      faqRows.map((f) => f.id),
      locale,
    ),
    translationsFor(
      db,
      "budget_line",
      budgetRows.map((b) => b.id),
      locale,
    ),
  ]);
  const campaign = localized(row, ["title", "tagline", "story_md", "risks_md"], campaignTexts);
  const pendingByTier = new Map(pendingRows.map((p) => [p.tier_id, Number(p.held)]));
  const ownerRow = {
    name: row.owner_name,
    display_name: row.owner_display_name,
    organisation: row.owner_organisation,
    bio: row.owner_bio,
    place: row.owner_place,
    website: row.owner_website,
  };
  const owner: CreatorView = { name: publicName(ownerRow), ...profileOf(ownerRow) };

  return {
    id: campaign.id,
    slug: campaign.slug,
    title: campaign.title,
    tagline: campaign.tagline,
    coverImage: campaign.cover_image,
    status: campaign.status,
    progress: campaignProgress(campaign, now),
    storyHtml: renderStory(campaign.story_md, { siteUrl }),
    risksHtml: campaign.risks_md.trim() ? renderStory(campaign.risks_md, { siteUrl }) : "",
    faq: faqRows.map((faqRow) => {
      const entry = localized(faqRow, ["question", "answer_md"], faqTexts);
      return {
        id: entry.id,
        question: entry.question,
        answerHtml: renderStory(entry.answer_md, { siteUrl }),
      };
    }),
    budgetLines: budgetRows.map((budgetRow) => {
      const line = localized(budgetRow, ["label"], budgetTexts);
      return { id: line.id, label: line.label, amount: Number(line.amount) };
    }),
    ownerName: owner.name,
    creator: owner,
    preview,
    url: `${siteUrl}/campaigns/${campaign.slug}`,
    fundingModel: campaign.funding_model,
    timeZone: campaign.time_zone,
    launchedAt: campaign.launched_at,
    tiers: tierRows.map((tierRow) => {
      const tier = localized(tierRow, ["title", "description"], tierTexts);
      const remaining = tier.stock_limit === null ? null : Math.max(0, tier.stock_limit - tier.claimed_count);
      return {
        id: tier.id,
        title: tier.title,
        description: tier.description,
        minAmount: tier.min_amount,
        stockLimit: tier.stock_limit,
        claimed: tier.claimed_count - (pendingByTier.get(tier.id) ?? 0),
        remaining,
        soldOut: remaining === 0,
        estimatedDelivery: tier.estimated_delivery,
        shippingRequired: tier.shipping_required === 1,
      };
    }),
    updates: updateRows.map((u) => ({
      id: u.id,
      title: u.title,
      html: renderStory(u.body_md, { siteUrl }),
      createdAt: u.created_at,
    })),
    stretchGoals: goalRows.map((goalRow) => {
      const goal = localized(goalRow, ["title", "description"], goalTexts);
      return {
        id: goal.id,
        title: goal.title,
        description: goal.description,
        target: goal.target_amount,
        reached: campaign.pledged_amount >= goal.target_amount,
      };
    }),
  };
}

/** The running totals recomputed from the pledge rows: what the stored totals must always equal. */
export async function recomputeTotals(
  db: Db,
  campaignId: string,
): Promise<{ pledged: number; backers: number }> {
  const row = await db
    .selectFrom("pledges")
    .select((eb) => [
      // A partly refunded pledge counts for what is left of it.
      eb.fn
        .coalesce(eb.fn.sum<number>(eb("amount", "-", eb.ref("refunded_amount"))), eb.lit(0))
        .as("pledged"),
      eb.fn.countAll<number>().as("backers"),
    ])
    .where("campaign_id", "=", campaignId)
    .where("status", "in", countedPledgeStatuses)
    .executeTakeFirstOrThrow();
  return { pledged: Number(row.pledged), backers: Number(row.backers) };
}
