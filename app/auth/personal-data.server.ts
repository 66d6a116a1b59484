// What the platform holds about a person, and forgetting it (RGPD, #16 part 6, docs/decisions/042):
// the export a person downloads from their account page, and the deletion of their account, where
// money and tax records are kept with their personal fields anonymised and everything else is erased.
//
// Both are one list of steps, one per table that holds a person's id, email, name, address or IP
// (`personalDataSteps`): a step says which of its columns name the person, what the export shows of
// its rows, and what deleting the account does to them, in one transaction. A new table with such a
// column fails test/integration/personal-data.test.ts until it has a step here (one more entry).
import type { Database } from "#db/schema.ts";
import { audit } from "~/ledger/audit.server";
import { ownerAccount } from "~/ledger/ledger.server";
import { inTransaction, type Db } from "~/lib/db.server";
import { AuthError } from "~/lib/errors";
import type { MessageKey } from "~/i18n/keys";

/** Who is exported or forgotten: the account, and the address it signs in and pledges with. */
export interface PersonalSubject {
  userId: string;
  email: string;
}

/** What a deleted person's kept rows say instead of their name and address. */
export const ANONYMISED_NAME = "Compte supprimé";
/** One per deleted account (RFC 2606's reserved `.invalid`): kept rows stay grouped, reach no one. */
export const anonymisedEmail = (userId: string) => `deleted-${userId}@deleted.invalid`;

/** What deleting an account does to a table's rows about the person. */
export type Treatment =
  /** Removed. */
  | "erased"
  /** Kept for the law (money, tax, accounting), the personal fields replaced. */
  | "anonymised"
  /** Kept as they are: the columns name someone only through an id that no longer leads to them. */
  | "kept";

export interface PersonalDataStep {
  table: keyof Database;
  /** The table's columns that hold a person's id, email, name, address or IP. */
  columns: readonly string[];
  treatment: Treatment;
  /** The person's rows as the export shows them (no secrets: no token hashes, no payment links). */
  export?: (db: Db, person: PersonalSubject) => Promise<unknown[]>;
  /** Run inside the deletion's transaction, in the list's order. */
  forget?: (trx: Db, person: PersonalSubject, now: Date) => Promise<void>;
}

/**
 * Columns that look personal by their name and are not: who claimed a job (a worker's id). The
 * schema test reads the list; a column is here or in a step, never neither.
 */
export const notPersonalColumns: Readonly<Record<string, readonly string[]>> = {
  pledges: ["charge_claimed_by"],
  email_outbox: ["claimed_by"],
};

/** The person's pledges: by their account, or by the address they pledged with before having one. */
const ownPledges = (db: Db, person: PersonalSubject) =>
  db
    .selectFrom("pledges")
    .where((eb) => eb.or([eb("user_id", "=", person.userId), eb("backer_email", "=", person.email)]));

const ownPledgeIds = (db: Db, person: PersonalSubject) => ownPledges(db, person).select("pledges.id");

export const personalDataSteps: readonly PersonalDataStep[] = [
  {
    table: "sessions",
    columns: ["user_id"],
    treatment: "erased",
    export: (db, p) =>
      db
        .selectFrom("sessions")
        .select(["created_at", "last_seen_at", "expires_at"])
        .where("user_id", "=", p.userId)
        .orderBy("created_at")
        .execute(),
    forget: async (trx, p) => {
      await trx.deleteFrom("sessions").where("user_id", "=", p.userId).execute();
    },
  },
  {
    table: "sign_in_tokens",
    columns: ["email", "ip"],
    treatment: "erased",
    export: (db, p) =>
      db
        .selectFrom("sign_in_tokens")
        .select(["created_at", "expires_at", "used_at", "ip", "redirect_to"])
        .where("email", "=", p.email)
        .orderBy("created_at")
        .execute(),
    forget: async (trx, p) => {
      await trx.deleteFrom("sign_in_tokens").where("email", "=", p.email).execute();
    },
  },
  {
    // Before the pledges are anonymised: found by their address.
    table: "pledge_origins",
    columns: ["client_ip"],
    treatment: "erased",
    export: (db, p) =>
      db
        .selectFrom("pledge_origins")
        .select(["pledge_id", "client_ip", "created_at"])
        .where("pledge_id", "in", ownPledgeIds(db, p))
        .execute(),
    forget: async (trx, p) => {
      await trx.deleteFrom("pledge_origins").where("pledge_id", "in", ownPledgeIds(trx, p)).execute();
    },
  },
  {
    // Money records (Code de commerce L123-22): kept, counted in the totals and the ledger as before;
    // the name, email, address, message and saved-card references go.
    table: "pledges",
    columns: [
      "user_id",
      "backer_name",
      "backer_email",
      "ship_name",
      "ship_line1",
      "ship_line2",
      "ship_postal_code",
      "ship_city",
    ],
    treatment: "anonymised",
    export: (db, p) =>
      ownPledges(db, p)
        .innerJoin("campaigns", "campaigns.id", "pledges.campaign_id")
        .select([
          "pledges.id",
          "campaigns.title as campaign",
          "pledges.tier_id",
          "pledges.backer_name",
          "pledges.backer_email",
          "pledges.amount",
          "pledges.shipping_amount",
          "pledges.currency",
          "pledges.status",
          "pledges.anonymous",
          "pledges.comment",
          "pledges.locale",
          "pledges.created_at",
          "pledges.committed_at",
          "pledges.collected_at",
          "pledges.canceled_at",
          "pledges.refunded_amount",
          "pledges.delivery_method",
          "pledges.ship_name",
          "pledges.ship_line1",
          "pledges.ship_line2",
          "pledges.ship_postal_code",
          "pledges.ship_city",
          "pledges.ship_country",
        ])
        .orderBy("pledges.created_at")
        .execute(),
    forget: async (trx, p, now) => {
      await trx
        .updateTable("pledges")
        .set({
          user_id: null,
          backer_name: ANONYMISED_NAME,
          backer_email: anonymisedEmail(p.userId),
          anonymous: 1,
          comment: null,
          ship_name: null,
          ship_line1: null,
          ship_line2: null,
          ship_postal_code: null,
          ship_city: null,
          // The country stays: it says which shipping zone was charged.
          stripe_customer_id: null,
          payment_method_id: null,
          checkout_url: null,
          updated_at: now.toISOString(),
        })
        .where((eb) => eb.or([eb("user_id", "=", p.userId), eb("backer_email", "=", p.email)]))
        .execute();
    },
  },
  {
    table: "refunds",
    columns: ["actor_id", "actor_email"],
    treatment: "anonymised",
    export: (db, p) =>
      db
        .selectFrom("refunds")
        .select(["id", "pledge_id", "amount", "currency", "status", "reason", "created_at"])
        .where("actor_id", "=", p.userId)
        .execute(),
    forget: async (trx, p) => {
      await trx
        .updateTable("refunds")
        .set({ actor_email: anonymisedEmail(p.userId) })
        .where((eb) => eb.or([eb("actor_id", "=", p.userId), eb("actor_email", "=", p.email)]))
        .execute();
    },
  },
  {
    // Who approved a payout: an admin's id on a money record, kept.
    table: "payouts",
    columns: ["approved_by"],
    treatment: "kept",
  },
  {
    table: "payout_accounts",
    columns: ["user_id"],
    treatment: "erased",
    export: (db, p) =>
      db
        .selectFrom("payout_accounts")
        .select(["stripe_account_id", "payouts_enabled", "details_submitted", "created_at", "updated_at"])
        .where("user_id", "=", p.userId)
        .execute(),
    forget: async (trx, p) => {
      await trx.deleteFrom("payout_accounts").where("user_id", "=", p.userId).execute();
    },
  },
  {
    table: "comment_reports",
    columns: ["user_id"],
    treatment: "erased",
    export: (db, p) =>
      db
        .selectFrom("comment_reports")
        .select(["comment_id", "created_at"])
        .where("user_id", "=", p.userId)
        .execute(),
    forget: async (trx, p) => {
      // Each comment's count stays the number of its reports.
      const reported = trx.selectFrom("comment_reports").select("comment_id").where("user_id", "=", p.userId);
      await trx
        .updateTable("campaign_comments")
        .set((eb) => ({ report_count: eb("report_count", "-", 1) }))
        .where("id", "in", reported)
        .execute();
      await trx.deleteFrom("comment_reports").where("user_id", "=", p.userId).execute();
    },
  },
  {
    // Their comments and questions go, with the owner's replies to them and their reports.
    table: "campaign_comments",
    columns: ["author_user_id", "hidden_by"],
    treatment: "erased",
    export: (db, p) =>
      db
        .selectFrom("campaign_comments")
        .innerJoin("campaigns", "campaigns.id", "campaign_comments.campaign_id")
        .select([
          "campaign_comments.id",
          "campaigns.title as campaign",
          "campaign_comments.kind",
          "campaign_comments.body",
          "campaign_comments.created_at",
          "campaign_comments.owner_reply",
          "campaign_comments.hidden_at",
        ])
        .where("campaign_comments.author_user_id", "=", p.userId)
        .orderBy("campaign_comments.created_at")
        .execute(),
    forget: async (trx, p) => {
      await trx.deleteFrom("campaign_comments").where("author_user_id", "=", p.userId).execute();
      await trx
        .updateTable("campaign_comments")
        .set({ hidden_by: null })
        .where("hidden_by", "=", p.userId)
        .execute();
    },
  },
  {
    // Drafts never shown to anyone go; a campaign that was public stays, as its backers and the
    // accounts know it, its owner now the anonymised account (users, below).
    table: "campaigns",
    columns: ["owner_id"],
    treatment: "kept",
    export: (db, p) =>
      db
        .selectFrom("campaigns")
        .select([
          "id",
          "slug",
          "title",
          "status",
          "goal_amount",
          "currency",
          "pledged_amount",
          "created_at",
          "launched_at",
          "closed_at",
        ])
        .where("owner_id", "=", p.userId)
        .orderBy("created_at")
        .execute(),
    forget: async (trx, p) => {
      const drafts = await trx
        .selectFrom("campaigns")
        .select("id")
        .where("owner_id", "=", p.userId)
        .where("status", "=", "draft")
        .execute();
      for (const { id } of drafts) await eraseDraft(trx, id);
    },
  },
  {
    table: "email_outbox",
    columns: ["to_email", "to_name"],
    treatment: "erased",
    export: (db, p) =>
      db
        .selectFrom("email_outbox")
        .select(["kind", "to_email", "to_name", "locale", "status", "created_at", "sent_at", "campaign_id"])
        .where("to_email", "=", p.email)
        .orderBy("created_at")
        .execute(),
    forget: async (trx, p) => {
      await trx.deleteFrom("email_outbox").where("to_email", "=", p.email).execute();
    },
  },
  {
    table: "mailbox_messages",
    columns: ["to_email"],
    treatment: "erased",
    export: (db, p) =>
      db
        .selectFrom("mailbox_messages")
        .select(["subject", "created_at"])
        .where("to_email", "=", p.email)
        .orderBy("created_at")
        .execute(),
    forget: async (trx, p) => {
      await trx.deleteFrom("mailbox_messages").where("to_email", "=", p.email).execute();
    },
  },
  {
    table: "email_unsubscribes",
    columns: ["email"],
    treatment: "erased",
    export: (db, p) =>
      db
        .selectFrom("email_unsubscribes")
        .select(["kind", "created_at"])
        .where("email", "=", p.email)
        .execute(),
    forget: async (trx, p) => {
      await trx.deleteFrom("email_unsubscribes").where("email", "=", p.email).execute();
    },
  },
  {
    // The audit log is the platform's record of money and moderation: kept, the address replaced.
    table: "audit_log",
    columns: ["actor_id", "actor_email"],
    treatment: "anonymised",
    export: (db, p) =>
      db
        .selectFrom("audit_log")
        .select(["action", "actor_email", "campaign_id", "subject_id", "details", "created_at"])
        .where((eb) =>
          eb.or([
            eb("actor_id", "=", p.userId),
            eb("actor_email", "=", p.email),
            eb("subject_id", "=", p.userId),
          ]),
        )
        .orderBy("created_at")
        .execute(),
    forget: async (trx, p) => {
      await trx
        .updateTable("audit_log")
        .set({ actor_email: anonymisedEmail(p.userId) })
        .where((eb) => eb.or([eb("actor_id", "=", p.userId), eb("actor_email", "=", p.email)]))
        .execute();
    },
  },
  {
    // Last: the rows above may name the account. It goes, or, while a public campaign names it as
    // its owner, stays as an empty shell (no email, no profile) that nobody can sign in to.
    table: "users",
    columns: ["id", "email", "name", "display_name"],
    treatment: "erased",
    export: (db, p) =>
      db
        .selectFrom("users")
        .select([
          "email",
          "name",
          "locale",
          "created_at",
          "display_name",
          "organisation",
          "bio",
          "place",
          "website",
        ])
        .where("id", "=", p.userId)
        .execute(),
    forget: async (trx, p) => {
      const owns = await trx
        .selectFrom("campaigns")
        .select("id")
        .where("owner_id", "=", p.userId)
        .executeTakeFirst();
      if (!owns) {
        await trx.deleteFrom("users").where("id", "=", p.userId).execute();
        return;
      }
      await trx
        .updateTable("users")
        .set({
          email: anonymisedEmail(p.userId),
          name: ANONYMISED_NAME,
          display_name: null,
          organisation: null,
          bio: null,
          place: null,
          website: null,
        })
        .where("id", "=", p.userId)
        .execute();
    },
  },
];

/** A draft and what only it had: its rewards, goals, questions, lines (by cascade) and translations. */
async function eraseDraft(trx: Db, campaignId: string): Promise<void> {
  const itemIds = (table: "reward_tiers" | "stretch_goals" | "campaign_faq" | "campaign_budget_lines") =>
    trx.selectFrom(table).select("id").where("campaign_id", "=", campaignId);
  for (const table of ["reward_tiers", "stretch_goals", "campaign_faq", "campaign_budget_lines"] as const)
    await trx.deleteFrom("content_translations").where("subject_id", "in", itemIds(table)).execute();
  await trx.deleteFrom("content_translations").where("subject_id", "=", campaignId).execute();
  await trx.deleteFrom("campaign_milestones").where("campaign_id", "=", campaignId).execute();
  await trx.deleteFrom("campaigns").where("id", "=", campaignId).execute();
}

export type PersonalDataExport = {
  exportedAt: string;
  /** The privacy page, which says why each part is kept and for how long. */
  privacyPolicy: string;
} & Partial<Record<keyof Database, unknown[]>>;

/** Everything the platform holds about the person, one section a table. */
export async function exportPersonalData(
  db: Db,
  person: PersonalSubject,
  now: Date,
): Promise<PersonalDataExport> {
  const data: PersonalDataExport = { exportedAt: now.toISOString(), privacyPolicy: "/privacy" };
  for (const step of personalDataSteps) if (step.export) data[step.table] = await step.export(db, person);
  return data;
}

/** Why an account cannot be deleted now; the person can act on each one. */
export type DeletionBlocker = "campaign_running" | "pledge_pending" | "money_due";

/**
 * What stops the deletion: a campaign of theirs in review or live (backers are counting on it); a
 * pledge not yet settled (a card to charge, a payment or refund under way); an ended campaign whose
 * money is not all paid out to them yet.
 */
export async function deletionBlockers(db: Db, person: PersonalSubject): Promise<DeletionBlocker[]> {
  const blockers: DeletionBlocker[] = [];
  const running = await db
    .selectFrom("campaigns")
    .select("id")
    .where("owner_id", "=", person.userId)
    .where("status", "in", ["in_review", "live"])
    .executeTakeFirst();
  if (running) blockers.push("campaign_running");
  const pending = await ownPledges(db, person)
    .select("pledges.id")
    .where((eb) =>
      eb.or([
        eb("status", "in", ["pending", "committed", "payment_failed"]),
        eb("payment_processing_at", "is not", null),
        eb("refund_reserved", ">", 0),
      ]),
    )
    .executeTakeFirst();
  if (pending) blockers.push("pledge_pending");
  const owned = await db.selectFrom("campaigns").select("id").where("owner_id", "=", person.userId).execute();
  if (owned.length) {
    const balances = await db
      .selectFrom("ledger_entries")
      .select((eb) => ["account", eb.fn.sum<number | string>("amount").as("balance")])
      .where(
        "account",
        "in",
        owned.map((c) => ownerAccount(c.id)),
      )
      .groupBy("account")
      .execute();
    if (balances.some((b) => Number(b.balance) !== 0)) blockers.push("money_due");
  }
  return blockers;
}

/** Each blocker's words, for the page and the refusal. */
export const blockerMessages = {
  campaign_running: "privacy.delete.blocked.campaign_running",
  pledge_pending: "privacy.delete.blocked.pledge_pending",
  money_due: "privacy.delete.blocked.money_due",
} as const satisfies Record<DeletionBlocker, MessageKey>;

export interface DeletionSummary {
  pledgesAnonymised: number;
  commentsErased: number;
  campaignsKept: number;
}

/**
 * Deletes the person's account in one transaction: every step's `forget`, in order, then an audit
 * entry. Refused (409, `account_not_deletable`) while `deletionBlockers` finds something.
 */
export async function deleteAccount(db: Db, person: PersonalSubject, now: Date): Promise<DeletionSummary> {
  return inTransaction(db, async (trx) => {
    // Read in the transaction: the person is who the session says, their address the one stored now.
    const user = await trx
      .selectFrom("users")
      .select(["id", "email"])
      .where("id", "=", person.userId)
      .executeTakeFirst();
    if (!user) throw new AuthError("account_not_found", "No such account");
    const subject = { userId: user.id, email: user.email };
    const blockers = await deletionBlockers(trx, subject);
    if (blockers.length)
      throw new AuthError("account_not_deletable", `Account not deletable: ${blockers.join(", ")}`, {
        messageKey: blockerMessages[blockers[0]!],
      });
    const pledges = await ownPledges(trx, subject)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirst();
    const comments = await trx
      .selectFrom("campaign_comments")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("author_user_id", "=", subject.userId)
      .executeTakeFirst();
    for (const step of personalDataSteps) await step.forget?.(trx, subject, now);
    const kept = await trx
      .selectFrom("campaigns")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("owner_id", "=", subject.userId)
      .executeTakeFirst();
    const summary = {
      pledgesAnonymised: Number(pledges?.n ?? 0),
      commentsErased: Number(comments?.n ?? 0),
      campaignsKept: Number(kept?.n ?? 0),
    };
    await audit(
      trx,
      { id: subject.userId, email: anonymisedEmail(subject.userId) },
      { action: "account.delete", subjectId: subject.userId, details: { ...summary } },
      now,
    );
    return summary;
  });
}
