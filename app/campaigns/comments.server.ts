// Comments and questions on a campaign's page (issue #15, "the campaign as a community"): a signed-in
// person posts one, the campaign's owner replies (one reply per comment, which they may rewrite),
// anyone signed in reports one (once), the owner or an admin hides it or shows it again (audited).
// And the page's reading of them: newest first, a keyset page at a time, never an author's email.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { ExpressionBuilder } from "kysely";
import type { CampaignStatus, CommentKind, Database } from "#db/schema.ts";
import { allows, assertAllowed, type Actor } from "~/auth/policy.server";
import { limitCommentPosts } from "~/auth/rate-limit.server";
import { audit } from "~/ledger/audit.server";
import { afterCommit, inTransaction, isUniqueViolation, type Db } from "~/lib/db.server";
import { CampaignError } from "~/lib/errors";
import { clip } from "~/lib/form-echo";
import { firstErrors, type FieldErrors } from "~/lib/form-errors";
import { refusalOf } from "~/lib/forms.server";
import { beyond, keysetPage } from "~/lib/listing";
import { campaignPagesChanged } from "~/lib/page-changes";
import { queueEmail } from "~/notifications/outbox.server";
import { campaignForEmails, snapshotFor } from "~/notifications/snapshot.server";
import { otherLanguage } from "./authoring.server";
import { countedPledgeStatuses, publicStatuses } from "./campaigns.server";

export const COMMENTS_PER_PAGE = 20;
export const COMMENT_MIN_LENGTH = 2;
export const COMMENT_MAX_LENGTH = 2_000;
export const commentKinds = ["comment", "question"] as const satisfies readonly CommentKind[];

/** Campaigns whose page takes comments: live, and ended (its backers still talk to its owner). */
const commentableStatuses: readonly CampaignStatus[] = ["live", "succeeded", "failed"];

/**
 * How much of what was typed a refused form sends back: more than a comment may hold, so a text a
 * little too long comes back whole to be cut by its writer, yet never a page-sized post.
 */
export const COMMENT_ECHO_LIMITS = { intent: 20, kind: 20, body: 4_000, translation: 4_000, commentId: 64 };

// Lengths in characters as people count them (an emoji is one), after trimming.
const body = z
  .string()
  .trim()
  .refine((text) => {
    const length = Array.from(text).length;
    return length >= COMMENT_MIN_LENGTH && length <= COMMENT_MAX_LENGTH;
  }, "comments.error.body");
const commentId = z.string().regex(/^[\w-]{1,64}$/, "form.invalid");

export const commentPostSchema = z.object({
  kind: z
    .string()
    .refine((kind) => (commentKinds as readonly string[]).includes(kind), "comments.error.kind")
    .transform((kind) => kind as CommentKind),
  body,
});
/** The reply's translation into the campaign's other language: optional, with a reply's bounds. */
const translation = z
  .union([z.literal(""), body])
  .optional()
  .default("");
export const commentReplySchema = z.object({ commentId, body, translation });
export const commentTargetSchema = z.object({ commentId });

/** Which comment a command is about, on which campaign, and who asks. */
export interface CommentTarget {
  campaignId: string;
  commentId: string;
  actor: Actor;
}

/** The comment a command acts on, with its campaign's owner and status: 404 when not on this campaign. */
async function commentFor(db: Db, target: CommentTarget) {
  const comment = await db
    .selectFrom("campaign_comments")
    .innerJoin("campaigns", "campaigns.id", "campaign_comments.campaign_id")
    .select([
      "campaign_comments.id",
      "campaign_comments.author_user_id",
      "campaign_comments.body",
      "campaign_comments.hidden_at",
      "campaigns.owner_id",
      "campaigns.status",
      "campaigns.language",
    ])
    .where("campaign_comments.id", "=", target.commentId)
    .where("campaign_comments.campaign_id", "=", target.campaignId)
    .executeTakeFirst();
  if (!comment) throw new CampaignError("comment_not_found", "No such comment on this campaign");
  return comment;
}

/** What the audit log keeps of a comment: its first words, enough to know which one it was. */
const excerpt = (text: string) => clip(text, 120);

/** A signed-in person posts a comment or a question on a live or ended campaign. Returns its id. */
export async function postComment(
  db: Db,
  input: { campaignId: string; actor: Actor; kind: CommentKind; body: string },
  now: Date,
): Promise<string> {
  const id = randomUUID();
  await inTransaction(db, async (trx) => {
    const campaign = await trx
      .selectFrom("campaigns")
      .select(["id", "status"])
      .where("id", "=", input.campaignId)
      .executeTakeFirst();
    if (!campaign) throw new CampaignError("campaign_not_found", "No such campaign");
    if (!commentableStatuses.includes(campaign.status))
      throw new CampaignError("comments_closed", `A ${campaign.status} campaign takes no comments`);
    await trx
      .insertInto("campaign_comments")
      .values({
        id,
        campaign_id: campaign.id,
        author_user_id: input.actor.id,
        kind: input.kind,
        body: input.body,
        created_at: now.toISOString(),
        owner_reply: null,
        replied_at: null,
        hidden_at: null,
        hidden_by: null,
      })
      .execute();
    // A question is the team's to answer: its owner hears of it (not of their own).
    if (input.kind === "question") await tellOwnerOfQuestion(trx, { id, ...input }, now);
    afterCommit(trx, campaignPagesChanged);
  });
  return id;
}

/** Where a comment is on its campaign's page (a path: delivery puts PUBLIC_URL in front). */
const commentPath = (slug: string, commentId: string) => `/campaigns/${slug}#comment-${commentId}`;

async function tellOwnerOfQuestion(
  db: Db,
  question: { id: string; campaignId: string; actor: Actor; body: string },
  now: Date,
) {
  const { owner_id } = await db
    .selectFrom("campaigns")
    .select("owner_id")
    .where("id", "=", question.campaignId)
    .executeTakeFirstOrThrow();
  if (owner_id === question.actor.id) return;
  const campaign = await campaignForEmails(db, question.campaignId, now);
  const asker = await db
    .selectFrom("users")
    .select("display_name")
    .where("id", "=", question.actor.id)
    .executeTakeFirst();
  await queueEmail(
    db,
    {
      kind: "question_asked",
      dedupeKey: `question:${question.id}`,
      to: campaign.ownerEmail,
      name: campaign.ownerName,
      locale: campaign.ownerLocale,
      props: {
        campaign: snapshotFor(campaign, campaign.ownerLocale),
        authorName: asker?.display_name ?? null,
        question: question.body,
        commentUrl: commentPath(campaign.slug, question.id),
      },
      campaignId: question.campaignId,
    },
    now,
  );
}

/**
 * The campaign's owner replies to a comment, or rewrites their reply: one per comment. Only the
 * owner: the reply is shown as the creator's words, which an admin does not write for them.
 */
export async function replyToComment(
  db: Db,
  target: CommentTarget & { body: string; translation?: string },
  now: Date,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const comment = await commentFor(trx, target);
    assertAllowed(target.actor, { action: "comment.reply", campaign: comment });
    if (!commentableStatuses.includes(comment.status))
      throw new CampaignError("comments_closed", `A ${comment.status} campaign takes no replies`);
    await trx
      .updateTable("campaign_comments")
      .set({ owner_reply: target.body, replied_at: now.toISOString() })
      .where("id", "=", comment.id)
      .execute();
    // Its translation, into the campaign's other language (as its other texts): empty is none.
    const locale = otherLanguage(comment.language);
    await trx
      .deleteFrom("content_translations")
      .where("subject_type", "=", "comment_reply")
      .where("subject_id", "=", comment.id)
      .where("locale", "=", locale)
      .execute();
    if (target.translation)
      await trx
        .insertInto("content_translations")
        .values({
          subject_type: "comment_reply",
          subject_id: comment.id,
          locale,
          field: "owner_reply",
          value: target.translation,
        })
        .execute();
    // Its author hears of the first reply (a rewrite is not news; the key keeps it to one email).
    if (comment.author_user_id !== target.actor.id)
      await tellAuthorOfReply(
        trx,
        {
          ...comment,
          campaignId: target.campaignId,
          reply: target.body,
          translation: target.translation ? { locale, text: target.translation } : null,
        },
        now,
      );
    afterCommit(trx, campaignPagesChanged);
  });
}

async function tellAuthorOfReply(
  db: Db,
  comment: {
    id: string;
    campaignId: string;
    author_user_id: string;
    body: string;
    reply: string;
    translation: { locale: string; text: string } | null;
  },
  now: Date,
) {
  const author = await db
    .selectFrom("users")
    .select(["email", "name", "display_name", "locale"])
    .where("id", "=", comment.author_user_id)
    .executeTakeFirstOrThrow();
  const campaign = await campaignForEmails(db, comment.campaignId, now);
  await queueEmail(
    db,
    {
      kind: "comment_replied",
      dedupeKey: `comment-reply:${comment.id}`,
      to: author.email,
      name: author.display_name ?? author.name,
      locale: author.locale,
      props: {
        campaign: snapshotFor(campaign, author.locale),
        comment: excerpt(comment.body),
        // In the author's language when the owner wrote the reply in it too.
        reply: comment.translation?.locale === author.locale ? comment.translation.text : comment.reply,
        commentUrl: commentPath(campaign.slug, comment.id),
      },
      campaignId: comment.campaignId,
    },
    now,
  );
}

/** A signed-in person reports a comment to its campaign's owner and the admins: once, never their own. */
export async function reportComment(db: Db, target: CommentTarget, now: Date): Promise<void> {
  try {
    await inTransaction(db, async (trx) => {
      const comment = await commentFor(trx, target);
      if (comment.author_user_id === target.actor.id)
        throw new CampaignError("own_comment", "One does not report one's own comment");
      const already = await trx
        .selectFrom("comment_reports")
        .select("comment_id")
        .where("comment_id", "=", comment.id)
        .where("user_id", "=", target.actor.id)
        .executeTakeFirst();
      if (already) throw new CampaignError("already_reported", "Reported once already");
      await trx
        .insertInto("comment_reports")
        .values({ comment_id: comment.id, user_id: target.actor.id, created_at: now.toISOString() })
        .execute();
      await trx
        .updateTable("campaign_comments")
        .set((eb) => ({ report_count: eb("report_count", "+", 1) }))
        .where("id", "=", comment.id)
        .execute();
      await audit(
        trx,
        target.actor,
        {
          action: "comment.report",
          campaignId: target.campaignId,
          subjectId: comment.id,
          details: { message: excerpt(comment.body) },
        },
        now,
      );
    });
  } catch (error) {
    // The same person reporting twice at once: the key refuses the second.
    if (isUniqueViolation(error)) throw new CampaignError("already_reported", "Reported once already");
    throw error;
  }
}

/**
 * The campaign's owner or an admin hides a comment from the public page (`hidden`), or shows it
 * again. Audited when it changes anything; hiding a hidden comment again is no change.
 */
export async function setCommentHidden(
  db: Db,
  target: CommentTarget & { hidden: boolean },
  now: Date,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const comment = await commentFor(trx, target);
    assertAllowed(target.actor, { action: "comment.moderate", campaign: comment });
    const result = await trx
      .updateTable("campaign_comments")
      .set(
        target.hidden
          ? { hidden_at: now.toISOString(), hidden_by: target.actor.id }
          : { hidden_at: null, hidden_by: null },
      )
      .where("id", "=", comment.id)
      .where("hidden_at", target.hidden ? "is" : "is not", null)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) return;
    await audit(
      trx,
      target.actor,
      {
        action: target.hidden ? "comment.hide" : "comment.unhide",
        campaignId: target.campaignId,
        subjectId: comment.id,
        details: { message: excerpt(comment.body) },
      },
      now,
    );
    afterCommit(trx, campaignPagesChanged);
  });
}

export type CommentOutcome =
  /** Done: back to the page, at this comment. */
  | { kind: "done"; commentId: string }
  /** Refused: the page again, with each field's message. */
  | { kind: "invalid"; errors: FieldErrors; status: number };

const invalid = (errors: FieldErrors, status = 400): CommentOutcome => ({ kind: "invalid", errors, status });
const done = (commentId: string): CommentOutcome => ({ kind: "done", commentId });

/**
 * One of a public campaign's page's comment forms (`intent`: post, reply, report, hide, unhide), as
 * sent: parsed with the schemas above and handed to its command. A refusal comes back in the table's words on
 * its field; a comment that is not this campaign's (a 404) goes on to be the page's answer.
 */
export async function handleCommentIntent(
  db: Db,
  request: { slug: string; actor: Actor; values: Record<string, string> },
  now: Date,
): Promise<CommentOutcome> {
  const campaign = await db
    .selectFrom("campaigns")
    .select("id")
    .where("slug", "=", request.slug)
    .where("status", "in", [...publicStatuses])
    .executeTakeFirst();
  if (!campaign) throw new CampaignError("campaign_not_found", "No public campaign by this slug");
  try {
    return await dispatch(db, { campaignId: campaign.id, actor: request.actor, values: request.values }, now);
  } catch (error) {
    const { status, field, message } = refusalOf(error);
    return invalid({ [field]: message }, status);
  }
}

async function dispatch(
  db: Db,
  { campaignId, actor, values }: { campaignId: string; actor: Actor; values: Record<string, string> },
  now: Date,
): Promise<CommentOutcome> {
  const intent = values.intent;
  if (intent === "post" || intent === "reply") {
    const parsed = (intent === "post" ? commentPostSchema : commentReplySchema).safeParse({
      kind: "",
      body: "",
      commentId: "",
      ...values,
    });
    if (!parsed.success) return invalid(firstErrors(parsed.error));
    const limit = await limitCommentPosts(db, actor.id);
    if (!limit.allowed) return invalid({ body: "comments.error.tooMany" }, 429);
    if (intent === "post") {
      const { kind, body } = parsed.data as z.output<typeof commentPostSchema>;
      return done(await postComment(db, { campaignId, actor, kind, body }, now));
    }
    const reply = parsed.data as z.output<typeof commentReplySchema>;
    await replyToComment(db, { campaignId, actor, ...reply }, now);
    return done(reply.commentId);
  }
  if (intent === "report" || intent === "hide" || intent === "unhide") {
    const parsed = commentTargetSchema.safeParse({ commentId: "", ...values });
    if (!parsed.success) return invalid(firstErrors(parsed.error));
    const target = { campaignId, actor, commentId: parsed.data.commentId };
    if (intent === "report") await reportComment(db, target, now);
    else await setCommentHidden(db, { ...target, hidden: intent === "hide" }, now);
    return done(target.commentId);
  }
  return invalid({ form: "form.invalid" });
}

/** The owner's reply in a language, where they translated it (null: none, or no language asked). */
function translatedReply(eb: ExpressionBuilder<Database, "campaign_comments">, locale: string | null) {
  return eb
    .selectFrom("content_translations")
    .select("content_translations.value")
    .where("content_translations.subject_type", "=", "comment_reply")
    .whereRef("content_translations.subject_id", "=", "campaign_comments.id")
    .where("content_translations.locale", "=", locale ?? "")
    .where("content_translations.field", "=", "owner_reply");
}

export interface CommentView {
  id: string;
  kind: CommentKind;
  body: string;
  /** The author's profile display name; null when they have none (the page names them neutrally). */
  authorName: string | null;
  /** The author backs the campaign (a counted pledge with their address). */
  backer: boolean;
  /** The author is the campaign's owner. */
  creator: boolean;
  /** The viewer wrote it. */
  mine: boolean;
  createdAt: string;
  /** Hidden from the public: only its campaign's owner and admins see it, so marked. */
  hidden: boolean;
  /** The owner's reply, and when it was written or last rewritten. */
  reply: {
    /** In the reader's language where the owner translated it, else as written. */
    body: string;
    repliedAt: string;
    /** For the owner's form only (else null): the reply as written, and its translation ("" if none). */
    original: string | null;
    translation: string | null;
  } | null;
  /** How many people reported it: counted for the owner and admins only, 0 for everyone else. */
  reports: number;
  /** The viewer reported it already. */
  reportedByViewer: boolean;
}

export interface CampaignComments {
  comments: CommentView[];
  /** The cursor of the page of newer comments (`commentsBefore=`), null on the first page. */
  newer: string | null;
  /** The cursor of the page of older comments (`comments=`), null on the last page. */
  older: string | null;
  /** Someone is signed in (else the page offers to sign in to comment). */
  signedIn: boolean;
  /** The campaign takes comments (live or ended; not a canceled one). */
  open: boolean;
  /** The language the owner may translate their replies into (the campaign's other); null for others. */
  replyLanguage: "fr" | "en" | null;
  /** What the viewer may do on this page's comments. */
  may: { post: boolean; reply: boolean; moderate: boolean; report: boolean };
}

/**
 * One page of a campaign's comments for a viewer (null: nobody signed in, the page every anonymous
 * visitor shares): the newest, or those just older than `after`, or just newer than `before`
 * (cursors as the URL carries them; one that does not parse means the first page). Hidden comments
 * are left out, except for the campaign's owner and admins, who see them marked.
 */
export async function campaignComments(
  db: Db,
  campaignId: string,
  viewer: Actor | null,
  {
    after = null,
    before = null,
    limit = COMMENTS_PER_PAGE,
    locale = null,
  }: {
    after?: string | null;
    before?: string | null;
    limit?: number;
    /** The reader's language, for the owner's replies they translated. */
    locale?: string | null;
  } = {},
): Promise<CampaignComments> {
  const campaign = await db
    .selectFrom("campaigns")
    .select(["owner_id", "status", "language"])
    .where("id", "=", campaignId)
    .executeTakeFirstOrThrow();
  const replier = allows(viewer, { action: "comment.reply", campaign });
  const moderator = allows(viewer, { action: "comment.moderate", campaign });
  const open = commentableStatuses.includes(campaign.status);
  const shown = () =>
    db
      .selectFrom("campaign_comments")
      .where("campaign_comments.campaign_id", "=", campaignId)
      .$if(!moderator, (q) => q.where("campaign_comments.hidden_at", "is", null));
  const page = await keysetPage(
    { after, before, limit },
    ({ from, backwards, limit }) =>
      shown()
        .innerJoin("users", "users.id", "campaign_comments.author_user_id")
        .select((eb) => [
          "campaign_comments.id",
          "campaign_comments.created_at",
          "campaign_comments.kind",
          "campaign_comments.body",
          "campaign_comments.author_user_id",
          "campaign_comments.hidden_at",
          "campaign_comments.owner_reply",
          "campaign_comments.replied_at",
          "campaign_comments.report_count",
          "users.display_name",
          translatedReply(eb, locale).as("reply_in_locale"),
          translatedReply(eb, replier ? otherLanguage(campaign.language) : null).as("reply_translation"),
          // By the (campaign_id, backer_email, status) index of pledges, one probe per comment.
          eb
            .exists(
              eb
                .selectFrom("pledges")
                .select("pledges.id")
                .where("pledges.campaign_id", "=", campaignId)
                .whereRef("pledges.backer_email", "=", "users.email")
                .where("pledges.status", "in", [...countedPledgeStatuses]),
            )
            .as("backer"),
        ])
        .$if(from !== null, (q) => q.where(beyond("campaign_comments", backwards ? ">" : "<", from!)))
        .orderBy("campaign_comments.created_at", backwards ? "asc" : "desc")
        .orderBy("campaign_comments.id", backwards ? "asc" : "desc")
        .limit(limit)
        .execute(),
    async (direction, cursor) =>
      Boolean(
        await shown()
          .select("campaign_comments.id")
          .where(beyond("campaign_comments", direction, cursor))
          .limit(1)
          .executeTakeFirst(),
      ),
  );
  const ids = page.rows.map((row) => row.id);
  const reportedByViewer =
    viewer && ids.length
      ? await db
          .selectFrom("comment_reports")
          .select("comment_id")
          .where("comment_id", "in", ids)
          .where("user_id", "=", viewer.id)
          .execute()
      : [];
  const reported = new Set(reportedByViewer.map((r) => r.comment_id));
  return {
    comments: page.rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      body: row.body,
      authorName: row.display_name,
      backer: Boolean(row.backer),
      creator: row.author_user_id === campaign.owner_id,
      mine: viewer !== null && row.author_user_id === viewer.id,
      createdAt: row.created_at,
      hidden: row.hidden_at !== null,
      reply:
        row.owner_reply === null
          ? null
          : {
              body: row.reply_in_locale ?? row.owner_reply,
              repliedAt: row.replied_at ?? row.created_at,
              original: replier ? row.owner_reply : null,
              translation: replier ? (row.reply_translation ?? "") : null,
            },
      reports: moderator ? Number(row.report_count) : 0,
      reportedByViewer: reported.has(row.id),
    })),
    newer: page.newer,
    older: page.older,
    signedIn: viewer !== null,
    open,
    replyLanguage: replier ? otherLanguage(campaign.language) : null,
    may: {
      post: viewer !== null && open,
      reply: open && replier,
      moderate: moderator,
      report: viewer !== null,
    },
  };
}
