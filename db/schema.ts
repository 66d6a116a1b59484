// The database's shape as Kysely sees it, shared by SQLite and PostgreSQL.
// Money is an integer in the currency's minor unit beside its ISO 4217 code; instants are ISO 8601 UTC strings.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** An instant: written and read as an ISO 8601 UTC string (`2026-11-24T11:00:00.000Z`) on both engines. */
export type Instant = string;
/** An amount in the currency's minor unit (cents for EUR, yen for JPY). Never a float. */
export type MinorUnits = number;
/** 0 or 1: better-sqlite3 cannot bind booleans, so flags are small integers on both engines. */
export type Flag = 0 | 1;

export type CampaignStatus = "draft" | "in_review" | "live" | "succeeded" | "failed" | "canceled";
export type FundingModel = "all_or_nothing" | "flexible";
export type PledgeStatus =
  "pending" | "committed" | "collected" | "refunded" | "canceled" | "expired" | "payment_failed" | "dropped";
export type TranslatedSubject =
  "campaign" | "reward_tier" | "stretch_goal" | "faq_entry" | "comment_reply" | "budget_line";

export interface UsersTable {
  id: string;
  email: string;
  /** Named after the address at the first sign-in; the public name when the profile gives none. */
  name: string;
  locale: string;
  created_at: ColumnType<Instant, Instant, never>;
  /** The creator's profile (app/auth/profile.server.ts): null until set, never an empty string. */
  display_name: Generated<string | null>;
  organisation: Generated<string | null>;
  bio: Generated<string | null>;
  place: Generated<string | null>;
  /** An http(s) URL only. */
  website: Generated<string | null>;
}

export interface CampaignsTable {
  id: string;
  slug: string;
  owner_id: string;
  status: CampaignStatus;
  /** The language the owner wrote in; `content_translations` holds the others. */
  language: string;
  title: string;
  tagline: string;
  story_md: string;
  cover_image: string | null;
  goal_amount: MinorUnits;
  currency: string;
  funding_model: FundingModel;
  time_zone: string;
  duration_days: number;
  launched_at: Instant | null;
  deadline_at: Instant | null;
  closed_at: Instant | null;
  /** Running totals of counted pledges, kept in the same transaction as each pledge change. */
  pledged_amount: Generated<MinorUnits>;
  backer_count: Generated<number>;
  /** The totals as they stood at the close, kept for the record once pledges are charged or released. */
  final_pledged_amount: MinorUnits | null;
  final_backer_count: number | null;
  /** What the reviewer said when sending the draft back. */
  review_message: Generated<string | null>;
  /** A launch the approving admin scheduled for later. */
  launch_at: Generated<Instant | null>;
  /** `YYYY-MM-DD`: when set, the campaign ends at the end of that local day rather than after duration_days. */
  end_date: Generated<string | null>;
  /** An admin's override of PLATFORM_FEE_BPS for this campaign; null: the platform's rate. */
  platform_fee_bps: Generated<number | null>;
  /** Markdown: the risks and challenges the owner sees ahead; "" until written. Never frozen. */
  risks_md: Generated<string>;
  /** Set by the owner once parcels are prepared: backers can no longer change their address. */
  addresses_locked_at: Generated<Instant | null>;
  created_at: ColumnType<Instant, Instant, never>;
  updated_at: Instant;
}

export interface RewardTiersTable {
  id: string;
  campaign_id: string;
  position: number;
  title: string;
  description: string;
  min_amount: MinorUnits;
  /** null: unlimited. */
  stock_limit: number | null;
  /** Units reserved or taken; never above stock_limit. */
  claimed_count: Generated<number>;
  /** `YYYY-MM`. */
  estimated_delivery: string | null;
  shipping_required: Flag;
  /** A postal reward the backer may collect instead: where. null: by post only. */
  pickup_place: Generated<string | null>;
  /** A postal reward's shipping to France, the rest of the EU, the world (app/lib/shipping.ts); null: not sent there. */
  shipping_fr: Generated<MinorUnits | null>;
  shipping_eu: Generated<MinorUnits | null>;
  shipping_world: Generated<MinorUnits | null>;
  created_at: ColumnType<Instant, Instant, never>;
}

export interface StretchGoalsTable {
  id: string;
  campaign_id: string;
  position: number;
  target_amount: MinorUnits;
  title: string;
  description: string;
  reached_at: Instant | null;
}

/** One question of a campaign's FAQ and its answer (Markdown), in the owner's language. */
export interface CampaignFaqTable {
  id: string;
  campaign_id: string;
  position: number;
  question: string;
  answer_md: string;
  created_at: ColumnType<Instant, Instant, never>;
}

/** What the money buys, line by line, in the order the raised total covers them (docs/decisions/041). */
export interface CampaignBudgetLinesTable {
  id: string;
  campaign_id: string;
  position: number;
  label: string;
  /** In the campaign's currency; above 0. */
  amount: MinorUnits;
  created_at: ColumnType<Instant, Instant, never>;
}

export interface PledgesTable {
  id: string;
  campaign_id: string;
  tier_id: string | null;
  user_id: string | null;
  backer_name: string;
  backer_email: string;
  amount: MinorUnits;
  currency: string;
  status: PledgeStatus;
  anonymous: Flag;
  comment: string | null;
  locale: string;
  created_at: ColumnType<Instant, Instant, never>;
  committed_at: Instant | null;
  updated_at: Instant;
  gateway: GatewayName | null;
  checkout_session_id: string | null;
  checkout_url: string | null;
  /** A pending checkout not finished by then is expired and its stock released. */
  checkout_expires_at: Instant | null;
  stripe_customer_id: string | null;
  /** Unique: a setup intent saves the card of one pledge only (2026_12_02_1200_unique_intents). */
  setup_intent_id: string | null;
  payment_method_id: string | null;
  /** Unique: a payment intent pays one pledge only (2026_12_02_1200_unique_intents). */
  payment_intent_id: string | null;
  /** The form's one-time key: a double click makes one pledge, not two. */
  submission_key: string | null;
  last_payment_error: string | null;
  cancel_reason: CancelReason | null;
  canceled_at: Instant | null;
  collected_at: Instant | null;
  /** Cumulative, as Stripe reports `amount_refunded`; the pledge counts for amount − refunded_amount. */
  refunded_amount: Generated<MinorUnits>;
  /** Refunds asked of the gateway and not yet answered (the `reserved` refunds): not refundable again. */
  refund_reserved: Generated<MinorUnits>;
  /** 1 while the pledge holds a unit of its tier (claimed_count), so it is released exactly once. */
  holds_stock: Generated<Flag>;
  /** Charge attempts whose outcome is recorded; the next one's idempotency key is attempt n + 1. */
  charge_attempts: Generated<number>;
  charge_claimed_by: string | null;
  charge_claimed_at: Instant | null;
  payment_failed_at: Instant | null;
  /** 1 once the backer gave a new card after a failed charge: try again. */
  retry_requested: Generated<Flag>;
  charge_id: string | null;
  /** When Stripe makes the payment's money available to transfer (its balance transaction's available_on). */
  funds_available_at: Generated<Instant | null>;
  /**
   * A checkout completed after its pledge was expired and that could not count (campaign closed,
   * reward sold out): what is left to undo at the gateway. Null when nothing is (a saved card).
   */
  late_release: LateRelease | null;
  /** When the gateway confirmed the late release. */
  late_released_at: Instant | null;
  /**
   * Set while a charge that settles later (SEPA Direct Debit) is `processing`: the pledge counts, is
   * not charged again and not dropped; cleared when the payment succeeds or fails.
   */
  payment_processing_at: Instant | null;
  /** A reward to deliver: by post (to the ship_* address) or picked up; null when nothing is sent. */
  delivery_method: Generated<DeliveryMethod | null>;
  ship_name: Generated<string | null>;
  ship_line1: Generated<string | null>;
  ship_line2: Generated<string | null>;
  ship_postal_code: Generated<string | null>;
  ship_city: Generated<string | null>;
  /** ISO 3166-1 alpha-2. */
  ship_country: Generated<string | null>;
  /** The part of `amount` that pays for sending the reward (0: nothing sent, or picked up). */
  shipping_amount: Generated<MinorUnits>;
}

export type DeliveryMethod = "post" | "pickup";

export type LateRelease = "cancel_authorisation" | "refund";

export interface DisputesTable {
  id: string;
  pledge_id: string | null;
  charge_id: string;
  amount: MinorUnits;
  currency: string;
  reason: string | null;
  /** Stripe's dispute status: warning_needs_response, needs_response, under_review, won, lost… */
  status: string;
  created_at: Instant;
  updated_at: Instant;
}

export interface SimulatedPaymentsTable {
  idempotency_key: string;
  pledge_id: string;
  kind: "charge" | "refund";
  amount: MinorUnits;
  outcome: string;
  reference: string;
  created_at: Instant;
}

export type GatewayName = "stripe" | "simulated";
export type CancelReason =
  | "backer"
  | "abandoned"
  | "after_deadline"
  | "payment_failed"
  | "campaign_closed"
  /** The checkout completed, but its news came after the pledge was expired and the campaign had closed. */
  | "late_campaign_closed"
  /** The same, while the campaign was open but the reward had sold out meanwhile. */
  | "late_sold_out";

export interface WebhookEventsTable {
  /** Stripe's event id: the unique key that makes a repeated delivery a no-op. */
  id: string;
  type: string;
  pledge_id: string | null;
  /** `already_recorded`: its payment or setup intent belongs to another pledge (unique index), not applied. */
  outcome: "applied" | "ignored" | "unmatched" | "already_recorded";
  received_at: Instant;
}

export interface ContentTranslationsTable {
  subject_type: TranslatedSubject;
  subject_id: string;
  locale: string;
  field: string;
  value: string;
}

export type OutboxStatus = "queued" | "sending" | "sent" | "failed" | "skipped";

export interface EmailOutboxTable {
  id: string;
  /** What makes this email unique (`milestone:<campaign>:50:<email>`): never queued twice. */
  dedupe_key: string;
  kind: string;
  to_email: string;
  to_name: string | null;
  locale: string;
  /** The template's props as JSON, captured when the cause happened. */
  props: string;
  campaign_id: string | null;
  pledge_id: string | null;
  status: OutboxStatus;
  attempts: Generated<number>;
  next_attempt_at: Instant;
  claimed_by: string | null;
  claimed_at: Instant | null;
  last_error: string | null;
  message_id: string | null;
  created_at: Instant;
  sent_at: Instant | null;
}

export interface EmailUnsubscribesTable {
  email: string;
  kind: string;
  created_at: Instant;
}

export interface CampaignMilestonesTable {
  campaign_id: string;
  /** `25`, `50`, `75`, `100`, or `stretch:<id>`. */
  milestone: string;
  reached_at: Instant;
}

export interface MailboxMessagesTable {
  id: string;
  outbox_id: string | null;
  to_email: string;
  subject: string;
  /** The whole message as sent (RFC 822), as an SMTP server would have received it. */
  raw: string;
  created_at: Instant;
}

export interface SignInTokensTable {
  id: string;
  email: string;
  /** SHA-256 of the token sent by email: a database leak gives no working link. */
  token_hash: string;
  ip: string | null;
  redirect_to: string | null;
  created_at: Instant;
  expires_at: Instant;
  used_at: Instant | null;
}

/** A signed-in browser. The cookie holds a random token; `id` is its SHA-256. */
export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: Instant;
  /** Refreshed at most once a minute, not on every request. */
  last_seen_at: Instant;
  /** 30 days after sign-in, whatever happens in between (docs/decisions/018). */
  expires_at: Instant;
}

/** rate-limiter-flexible's counters: points used under `key` until `expire` (ms since the epoch). */
export interface RateLimitsTable {
  key: string;
  points: number;
  expire: number | null;
}

/** The client IP address a pledge was made from: pending holds are capped per address. */
export interface PledgeOriginsTable {
  pledge_id: string;
  client_ip: string;
  created_at: Instant;
}

export interface CampaignUpdatesTable {
  id: string;
  campaign_id: string;
  title: string;
  body_md: string;
  visibility: "public" | "backers";
  created_at: Instant;
}

export interface LedgerTransactionsTable {
  id: string;
  /** What caused it (`collected:<pledge>`, `refund:<pledge>:<n>`…): a replay writes nothing new. */
  source_key: string;
  campaign_id: string | null;
  pledge_id: string | null;
  kind: LedgerKind;
  currency: string;
  created_at: Instant;
  /** The Stripe transfer a payout or reversal moved; pledges' movements match by their payment intent. */
  provider_ref: Generated<string | null>;
}

export type LedgerKind =
  "collected" | "stripe_fee" | "platform_fee" | "refund" | "dispute" | "dispute_fee" | "payout" | "reversal";

export interface PayoutAccountsTable {
  user_id: string;
  /** The owner's Stripe Express account (`acct_…`). */
  stripe_account_id: string;
  /** Kept current by `account.updated`: transfers go only to an account Stripe lets pay out. */
  payouts_enabled: Flag;
  details_submitted: Flag;
  created_at: Instant;
  updated_at: Instant;
}

export type PayoutMethod = "stripe" | "bank";
export type PayoutStatus = "approved" | "sent" | "paid" | "failed";

export interface PayoutsTable {
  id: string;
  campaign_id: string;
  /** 1, 2… per campaign: a later payout pays what came in (or was carried) since. */
  number: number;
  currency: string;
  amount: MinorUnits;
  method: PayoutMethod;
  status: PayoutStatus;
  /** The Express account a Stripe transfer goes to. */
  destination: string | null;
  transfer_id: string | null;
  /** The bank transfer's reference, as the admin recorded it. */
  reference: string | null;
  failure_message: string | null;
  approved_by: string;
  approved_at: Instant;
  sent_at: Instant | null;
  paid_at: Instant | null;
  failed_at: Instant | null;
  updated_at: Instant;
  /**
   * An approved Stripe payout waits until then: its campaign's card funds are still pending at Stripe
   * (or Stripe said the balance was short, and it is asked again then). Null: nothing to wait for.
   */
  funds_available_at: Generated<Instant | null>;
}

export interface PayoutReversalsTable {
  id: string;
  campaign_id: string;
  payout_id: string;
  /** Written before Stripe is asked: the key is `reversal-<id>`, so a retry reverses this, once. */
  amount: MinorUnits;
  status: "pending" | "done";
  reversal_id: string | null;
  created_at: Instant;
  done_at: Instant | null;
}

export type RefundStatus = "reserved" | "succeeded" | "failed";

export interface RefundsTable {
  /** Ours: the gateway's idempotency key is `refund-<id>`, so a retry after a crash refunds this, once. */
  id: string;
  pledge_id: string;
  campaign_id: string;
  amount: MinorUnits;
  currency: string;
  /** reserved (on the pledge, before the gateway is asked) → succeeded, or failed (reservation released). */
  status: RefundStatus;
  /** `platform`: asked here by an admin or owner; `gateway`: made elsewhere (Stripe's dashboard) and reported. */
  origin: "platform" | "gateway";
  reason: string | null;
  actor_id: string | null;
  actor_email: string | null;
  gateway_refund_id: string | null;
  failure_message: string | null;
  created_at: Instant;
  finished_at: Instant | null;
}

export interface StripeBalanceLinesTable {
  /** Stripe's balance transaction id (`txn_…`): importing again writes nothing new. */
  id: string;
  created_at: Instant;
  type: string;
  /** Stripe's reporting category: charge, refund, dispute, dispute_reversal, transfer, transfer_reversal, payout… */
  category: string;
  amount: MinorUnits;
  fee: MinorUnits;
  net: MinorUnits;
  currency: string;
  source_id: string | null;
  /** The payment intent (charges, refunds, disputes) or transfer (transfers, reversals) it belongs to. */
  match_ref: string | null;
  /** The Stripe payout that paid it out to the platform's bank, when imported by payout. */
  payout_id: string | null;
  imported_at: Instant;
}

export type CommentKind = "comment" | "question";

/**
 * A comment or question on a campaign's page, by a signed-in person, with the campaign owner's
 * reply (one, rewritable) and how many people reported it (app/campaigns/comments.server.ts).
 */
export interface CampaignCommentsTable {
  id: string;
  campaign_id: string;
  author_user_id: string;
  kind: CommentKind;
  body: string;
  created_at: ColumnType<Instant, Instant, never>;
  /** The owner's reply; null: none yet. */
  owner_reply: string | null;
  /** When the reply was written or last rewritten. */
  replied_at: Instant | null;
  /** Hidden by the owner or an admin: off the public page, kept for them. null: shown. */
  hidden_at: Instant | null;
  hidden_by: string | null;
  /** How many rows of comment_reports name it (kept in the report's transaction). */
  report_count: Generated<number>;
}

/** A person's report of a comment: once per person and comment (the key is both). */
export interface CommentReportsTable {
  comment_id: string;
  user_id: string;
  created_at: ColumnType<Instant, Instant, never>;
}

export interface AuditLogTable {
  id: string;
  actor_id: string | null;
  actor_email: string;
  /** `payout.approve`, `fee.override`, `pledge.refund`, `campaign.approve`, `comment.hide`…: AuditAction (app/ledger/audit.server.ts). */
  action: string;
  campaign_id: string | null;
  subject_id: string | null;
  /** JSON: what was done, with the amounts. */
  details: string;
  created_at: Instant;
}

export interface LedgerEntriesTable {
  id: string;
  transaction_id: string;
  /** `stripe_balance`, `platform_fees`, `stripe_fees`, `owner:<campaign id>`. */
  account: string;
  /** Signed minor units; the entries of one transaction sum to zero. */
  amount: MinorUnits;
}

export interface Database {
  users: UsersTable;
  campaigns: CampaignsTable;
  reward_tiers: RewardTiersTable;
  stretch_goals: StretchGoalsTable;
  campaign_faq: CampaignFaqTable;
  campaign_budget_lines: CampaignBudgetLinesTable;
  pledges: PledgesTable;
  content_translations: ContentTranslationsTable;
  webhook_events: WebhookEventsTable;
  email_outbox: EmailOutboxTable;
  email_unsubscribes: EmailUnsubscribesTable;
  campaign_milestones: CampaignMilestonesTable;
  mailbox_messages: MailboxMessagesTable;
  disputes: DisputesTable;
  simulated_payments: SimulatedPaymentsTable;
  sign_in_tokens: SignInTokensTable;
  sessions: SessionsTable;
  rate_limits: RateLimitsTable;
  pledge_origins: PledgeOriginsTable;
  campaign_updates: CampaignUpdatesTable;
  ledger_transactions: LedgerTransactionsTable;
  ledger_entries: LedgerEntriesTable;
  payout_accounts: PayoutAccountsTable;
  payouts: PayoutsTable;
  payout_reversals: PayoutReversalsTable;
  refunds: RefundsTable;
  stripe_balance_lines: StripeBalanceLinesTable;
  audit_log: AuditLogTable;
  campaign_comments: CampaignCommentsTable;
  comment_reports: CommentReportsTable;
}

export type OutboxEmail = Selectable<EmailOutboxTable>;

export type User = Selectable<UsersTable>;
export type Campaign = Selectable<CampaignsTable>;
export type NewCampaign = Insertable<CampaignsTable>;
export type CampaignUpdate = Updateable<CampaignsTable>;
export type RewardTier = Selectable<RewardTiersTable>;
export type NewRewardTier = Insertable<RewardTiersTable>;
export type StretchGoal = Selectable<StretchGoalsTable>;
export type NewStretchGoal = Insertable<StretchGoalsTable>;
export type Pledge = Selectable<PledgesTable>;
export type Payout = Selectable<PayoutsTable>;
export type Refund = Selectable<RefundsTable>;
export type NewPledge = Insertable<PledgesTable>;
