// What the payout pages show: the admins' queue, one campaign's statement with its payouts and
// reconciliation, and the CSV exports for the accountant. Read-only; the changes are in payouts.server.
import type { Payout } from "#db/schema.ts";
import type { PaymentGateway } from "~/payments/gateway";
import { amountCell, csvDialectFor, csvDocument } from "~/lib/csv";
import { translator } from "~/i18n/catalogue.server";
import type { Locale, MessageKey } from "~/i18n/keys";

/** A CSV's header in the reader's language: words in French, the columns' machine names in English. */
function csvHeader(locale: Locale, file: "statements" | "lines", columns: string[]): string[] {
  if (locale !== "fr") return columns;
  const t = translator(locale);
  return columns.map((column) => t(`csv.${file}.${column}` as MessageKey));
}
import type { Db } from "~/lib/db.server";
import { payoutAccountOf } from "./accounts.server";
import { auditEntries } from "~/ledger/audit.server";
import { campaignStatement, type Statement } from "./statement.server";
import { feeRateOf, isPayable, feesAwaited } from "./payouts.server";
import { importStatus, problemsByCampaign, reconcile } from "./reconciliation.server";

export interface PayoutRow {
  id: string;
  campaignId: string;
  title: string;
  number: number;
  amount: number;
  currency: string;
  method: Payout["method"];
  status: Payout["status"];
  reference: string | null;
  transferId: string | null;
  failureMessage: string | null;
  approvedBy: string;
  approvedAt: string;
  sentAt: string | null;
  paidAt: string | null;
  failedAt: string | null;
  /** An approved Stripe payout waiting for Stripe to make its funds available: sent by the job then. */
  waitingForFundsUntil: string | null;
}

async function payoutRows(db: Db, campaignId?: string): Promise<PayoutRow[]> {
  let query = db
    .selectFrom("payouts")
    .innerJoin("campaigns", "campaigns.id", "payouts.campaign_id")
    .selectAll("payouts")
    .select("campaigns.title")
    .orderBy("payouts.approved_at", "desc")
    .orderBy("payouts.number", "desc");
  if (campaignId) query = query.where("payouts.campaign_id", "=", campaignId);
  const rows = await query.execute();
  return rows.map((p) => ({
    id: p.id,
    campaignId: p.campaign_id,
    title: p.title,
    number: p.number,
    amount: p.amount,
    currency: p.currency,
    method: p.method,
    status: p.status,
    reference: p.reference,
    transferId: p.transfer_id,
    failureMessage: p.failure_message,
    approvedBy: p.approved_by,
    approvedAt: p.approved_at,
    sentAt: p.sent_at,
    paidAt: p.paid_at,
    failedAt: p.failed_at,
    waitingForFundsUntil: p.status === "approved" && p.method === "stripe" ? p.funds_available_at : null,
  }));
}

async function payableCampaigns(db: Db) {
  const campaigns = await db
    .selectFrom("campaigns")
    .selectAll()
    .where((eb) =>
      eb.or([
        eb("status", "=", "succeeded"),
        eb.and([eb("funding_model", "=", "flexible"), eb("closed_at", "is not", null)]),
      ]),
    )
    .orderBy("closed_at", "desc")
    .limit(500)
    .execute();
  return campaigns.filter(isPayable);
}

export interface CampaignDue {
  campaignId: string;
  title: string;
  currency: string;
  statement: Statement;
  feesPending: number;
  /** Reconciliation rows that are not matched. */
  problems: number;
}

/** The admins' list: campaigns to review (something due, nothing in flight), then payouts by state. */
export async function payoutQueue(db: Db, defaultFeeBps: number) {
  const [campaigns, payouts, rows, status] = await Promise.all([
    payableCampaigns(db),
    payoutRows(db),
    reconcile(db),
    importStatus(db),
  ]);
  const problems = problemsByCampaign(rows);
  const inFlight = new Set(
    payouts.filter((p) => p.status === "approved" || p.status === "sent").map((p) => p.campaignId),
  );
  const toReview: CampaignDue[] = [];
  const carried: CampaignDue[] = [];
  for (const campaign of campaigns) {
    const statement = await campaignStatement(db, campaign.id, feeRateOf(campaign, defaultFeeBps));
    const due: CampaignDue = {
      campaignId: campaign.id,
      title: campaign.title,
      currency: campaign.currency,
      statement,
      feesPending: await feesAwaited(db, campaign.id),
      problems: problems.get(campaign.id) ?? 0,
    };
    if (statement.due > 0 && !inFlight.has(campaign.id)) toReview.push(due);
    if (statement.due < 0) carried.push(due);
  }
  const byStatus = (status: Payout["status"]) =>
    payouts
      .filter((p) => p.status === status)
      .map((p) => ({ ...p, problems: problems.get(p.campaignId) ?? 0 }));
  return {
    toReview,
    carried,
    approved: byStatus("approved"),
    sent: byStatus("sent"),
    paid: byStatus("paid"),
    failed: byStatus("failed"),
    unattributed: problems.get(null) ?? 0,
    importStatus: status,
  };
}

/** One campaign's statement page: the numbers, its payouts, how it reconciles, and who did what. */
export async function statementView(
  deps: { db: Db; gateway: PaymentGateway; defaultFeeBps: number },
  campaignId: string,
  options: { withAudit: boolean },
) {
  const { db } = deps;
  const campaign = await db
    .selectFrom("campaigns")
    .selectAll()
    .where("id", "=", campaignId)
    .executeTakeFirst();
  if (!campaign) return null;
  const feeBps = feeRateOf(campaign, deps.defaultFeeBps);
  const [statement, payouts, account, feesPending, rows, audit] = await Promise.all([
    campaignStatement(db, campaign.id, feeBps),
    payoutRows(db, campaign.id),
    payoutAccountOf(db, campaign.owner_id),
    feesAwaited(db, campaign.id),
    reconcile(db, { campaignId: campaign.id }),
    options.withAudit ? auditEntries(db, { campaignId: campaign.id, limit: 50 }) : Promise.resolve([]),
  ]);
  const inFlight = payouts.some((p) => p.status === "approved" || p.status === "sent");
  return {
    campaign: {
      id: campaign.id,
      title: campaign.title,
      slug: campaign.slug,
      currency: campaign.currency,
      status: campaign.status,
      feeOverride: campaign.platform_fee_bps,
    },
    statement,
    payouts,
    account,
    /** How the next payout would go. */
    method: deps.gateway.connect && account?.payoutsEnabled ? ("stripe" as const) : ("bank" as const),
    feesPending,
    approvable: isPayable(campaign) && feesPending === 0 && !inFlight && statement.due > 0,
    reconciliation: rows,
    audit,
  };
}

/** Every payable campaign's statement, one line each, for the accountant. */
export async function statementsCsv(db: Db, defaultFeeBps: number, locale: Locale): Promise<string> {
  const rows = [];
  for (const campaign of await payableCampaigns(db)) {
    const s = await campaignStatement(db, campaign.id, feeRateOf(campaign, defaultFeeBps));
    const money = (amount: number) => amountCell(amount, campaign.currency);
    rows.push([
      campaign.id,
      campaign.title,
      campaign.currency,
      money(s.collected),
      money(s.refunds),
      money(s.disputes),
      money(s.stripeFees),
      { raw: String(s.feeBps) },
      money(s.platformFee),
      money(s.net),
      money(s.paidOut),
      money(s.reversed),
      money(s.due),
    ]);
  }
  return csvDocument(
    csvHeader(locale, "statements", [
      "campaign_id",
      "title",
      "currency",
      "collected",
      "refunds",
      "disputes",
      "stripe_fees",
      "platform_fee_bps",
      "platform_fee",
      "net",
      "paid_out",
      "reversed",
      "due",
    ]),
    rows,
    csvDialectFor(locale),
  );
}

/**
 * One campaign's reconciliation lines: our amounts beside Stripe's, and whether they match; with
 * the campaign's address to name the file. Null when there is no such campaign.
 */
export async function reconciliationCsv(
  db: Db,
  campaignId: string,
  locale: Locale,
): Promise<{ slug: string; csv: string } | null> {
  const campaign = await db
    .selectFrom("campaigns")
    .select(["id", "slug"])
    .where("id", "=", campaignId)
    .executeTakeFirst();
  if (!campaign) return null;
  const rows = await reconcile(db, { campaignId: campaign.id });
  const csv = csvDocument(
    csvHeader(locale, "lines", [
      "ref",
      "category",
      "state",
      "currency",
      "our_amount",
      "our_fee",
      "stripe_amount",
      "stripe_fee",
      "stripe_lines",
    ]),
    rows.map((r) => [
      r.ref,
      r.category,
      r.state,
      r.currency,
      r.ours ? amountCell(r.ours.amount, r.currency) : "",
      r.ours ? amountCell(r.ours.fee, r.currency) : "",
      r.stripe ? amountCell(r.stripe.amount, r.currency) : "",
      r.stripe ? amountCell(r.stripe.fee, r.currency) : "",
      r.lines.join(" "),
    ]),
    csvDialectFor(locale),
  );
  return { slug: campaign.slug, csv };
}
