// The comments and questions under a campaign's story (issue #15): the form to post one (or, for a
// visitor, a link to sign in that comes back here), then the newest first, a page at a time, each
// with its author's profile name (never an email), a backer's badge and the creator's reply. Reply,
// report, hide and show again are plain forms posted to the page, which comes back to the comment,
// so all of it works without JavaScript. Paged by links (`?comments=` older, `?commentsBefore=` newer).
import { Form, Link, useLocation } from "@remix-run/react";
import type { CampaignPage } from "~/campaigns/campaigns.server";
import type { CampaignComments as Comments, CommentView } from "~/campaigns/comments.server";
import { CsrfField } from "~/components/CsrfField";
import { FormErrorSummary, summaryOf, useFocusFirstError } from "~/components/ErrorSummary";
import { FormField } from "~/components/FormField";
import { Pager } from "~/components/Pager";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import type { FieldErrors } from "~/lib/form-errors";
import { formatDateTime } from "~/lib/time";

/** What the page's action answered a refused comment form: which form, its errors, what was typed. */
export interface CommentFormResult {
  intent: string;
  /** The comment the form was about; null for a new comment. */
  target: string | null;
  errors: FieldErrors;
  values: Record<string, string>;
}

type Campaign = Pick<CampaignPage, "slug" | "timeZone" | "ownerName">;

const kinds = ["comment", "question"] as const;

export function CampaignComments({
  campaign,
  comments,
  result,
}: {
  campaign: Campaign;
  comments: Comments;
  result?: CommentFormResult | null;
}) {
  const t = useTranslate();
  const pagePath = `/campaigns/${campaign.slug}`;
  const link = (param: string, cursor: string | null) =>
    cursor ? `?${param}=${encodeURIComponent(cursor)}#comments` : null;
  const signIn = `/sign-in?${new URLSearchParams({ redirectTo: `${pagePath}#new-comment` })}`;
  return (
    <section id="comments" className="comments" aria-labelledby="comments-title">
      <h2 id="comments-title">{t("comments.title")}</h2>
      {comments.may.post ? (
        <NewComment pagePath={pagePath} result={result?.intent === "post" ? result : null} />
      ) : !comments.open ? (
        <p className="muted">{t("comments.closed")}</p>
      ) : !comments.signedIn ? (
        <p>
          <Link to={signIn}>{t("comments.signIn")}</Link>
        </p>
      ) : null}
      {comments.comments.length === 0 ? (
        <p className="muted">{t("comments.empty")}</p>
      ) : (
        <ol className="comments__list">
          {comments.comments.map((comment) => (
            <Comment
              key={comment.id}
              comment={comment}
              campaign={campaign}
              may={comments.may}
              replyLanguage={comments.replyLanguage}
              result={result?.target === comment.id ? result : null}
            />
          ))}
        </ol>
      )}
      <Pager
        label={t("comments.pages")}
        newer={link("commentsBefore", comments.newer)}
        older={link("comments", comments.older)}
      />
    </section>
  );
}

function NewComment({ pagePath, result }: { pagePath: string; result: CommentFormResult | null }) {
  const t = useTranslate();
  // A new form after each answer: emptied once posted, with what was typed when refused.
  const { key } = useLocation();
  const kind = result?.values.kind === "question" ? "question" : "comment";
  const errors = result?.errors ?? {};
  const summary = summaryOf([
    ["comment-kind", errors.kind ? t(errors.kind) : null],
    ["comment-body", errors.body ? t(errors.body) : null],
    ["comment-post", errors.form ? t(errors.form) : null],
  ]);
  const form = useFocusFirstError(
    result,
    summary.map((e) => e.field),
  );
  return (
    <Form
      ref={form}
      key={key}
      method="post"
      action={`${pagePath}#new-comment`}
      id="new-comment"
      className="comments__form"
      noValidate
    >
      <FormErrorSummary errors={summary} />
      <CsrfField />
      <input type="hidden" name="intent" value="post" />
      <fieldset
        className="comments__kinds"
        aria-describedby={result?.errors.kind ? "comment-kind-error" : undefined}
      >
        <legend className="field__label">{t("comments.kind")}</legend>
        {kinds.map((option, index) => (
          <label key={option} className="checkbox">
            <input
              type="radio"
              name="kind"
              value={option}
              id={index === 0 ? "comment-kind" : undefined}
              defaultChecked={kind === option}
            />
            {t(`comments.kind.${option}`)}
          </label>
        ))}
        {result?.errors.kind ? (
          <p id="comment-kind-error" className="field__error">
            {t(result.errors.kind)}
          </p>
        ) : null}
      </fieldset>
      <FormField
        id="comment-body"
        label={t("comments.body")}
        hint={t("comments.bodyHint")}
        error={result?.errors.body ? t(result.errors.body) : null}
      >
        {(aria) => <textarea {...aria} name="body" rows={4} defaultValue={result?.values.body ?? ""} />}
      </FormField>
      <p>
        <button type="submit" id="comment-post" className="button button--primary">
          {t("comments.post")}
        </button>
      </p>
    </Form>
  );
}

function Comment({
  comment,
  campaign,
  may,
  replyLanguage,
  result,
}: {
  comment: CommentView;
  campaign: Campaign;
  may: Comments["may"];
  replyLanguage: Comments["replyLanguage"];
  result: CommentFormResult | null;
}) {
  const t = useTranslate();
  const locale = useIntlLocale();
  const action = `/campaigns/${campaign.slug}#comment-${comment.id}`;
  const when = (instant: string) => (
    <time className="muted" dateTime={instant}>
      {formatDateTime(instant, campaign.timeZone, locale)}
    </time>
  );
  /** A one-button form about this comment (report, hide, show again). */
  const button = (intent: string, label: string) => (
    <Form method="post" action={action} className="comment__action">
      <CsrfField />
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="commentId" value={comment.id} />
      <button type="submit" className="button-link">
        {label}
      </button>
    </Form>
  );
  const replying = result?.intent === "reply" ? result : null;
  const replyError = replying?.errors.body;
  const translationError = replying?.errors.translation;
  const replyId = `reply-${comment.id}`;
  const translationId = `reply-${comment.id}-translation`;
  const replySummary = summaryOf([
    [replyId, replyError ? t(replyError) : null],
    [translationId, translationError ? t(translationError) : null],
  ]);
  const replyForm = useFocusFirstError(
    result?.intent === "reply" ? result : null,
    replySummary.map((e) => e.field),
  );
  return (
    <li
      id={`comment-${comment.id}`}
      className={`comment${comment.hidden ? " comment--hidden" : ""}${comment.kind === "question" ? " comment--question" : ""}`}
    >
      <p className="comment__meta">
        <span className="comment__author">{comment.authorName ?? t("comments.someone")}</span>{" "}
        {comment.creator ? <span className="badge badge--live">{t("comments.creator")}</span> : null}{" "}
        {comment.backer ? <span className="badge badge--limited">{t("comments.backer")}</span> : null}{" "}
        {comment.kind === "question" ? <span className="badge">{t("comments.question")}</span> : null}{" "}
        {when(comment.createdAt)}
      </p>
      {comment.hidden ? <p className="badge badge--canceled">{t("comments.hidden")}</p> : null}
      <p className="comment__body">{comment.body}</p>
      {comment.reply ? (
        <div className="comment__reply">
          <p className="comment__meta">
            <span className="comment__author">{t("comments.reply.title", { name: campaign.ownerName })}</span>{" "}
            {when(comment.reply.repliedAt)}
          </p>
          <p className="comment__body">{comment.reply.body}</p>
        </div>
      ) : null}
      <div className="comment__actions">
        {may.reply ? (
          <details className="comment__reply-form" open={Boolean(result)}>
            <summary>{t(comment.reply ? "comments.reply.edit" : "comments.reply.open")}</summary>
            <Form ref={replyForm} method="post" action={action} noValidate>
              <FormErrorSummary errors={replySummary} />
              <CsrfField />
              <input type="hidden" name="intent" value="reply" />
              <input type="hidden" name="commentId" value={comment.id} />
              <FormField
                id={replyId}
                label={t("comments.reply.body")}
                error={replyError ? t(replyError) : null}
              >
                {(aria) => (
                  <textarea
                    {...aria}
                    name="body"
                    rows={3}
                    defaultValue={replying ? (replying.values.body ?? "") : (comment.reply?.original ?? "")}
                  />
                )}
              </FormField>
              {replyLanguage ? (
                <FormField
                  id={translationId}
                  label={t("comments.reply.translation", {
                    language: t(`editor.translation.language.${replyLanguage}`),
                  })}
                  hint={t("comments.reply.translationHint", {
                    language: t(`editor.translation.language.${replyLanguage}`),
                  })}
                  error={translationError ? t(translationError) : null}
                >
                  {(aria) => (
                    <textarea
                      {...aria}
                      name="translation"
                      rows={3}
                      defaultValue={
                        replying ? (replying.values.translation ?? "") : (comment.reply?.translation ?? "")
                      }
                    />
                  )}
                </FormField>
              ) : null}
              <p>
                <button type="submit" className="button button--primary">
                  {t("comments.reply.send")}
                </button>
              </p>
            </Form>
          </details>
        ) : null}
        {may.moderate
          ? button(
              comment.hidden ? "unhide" : "hide",
              t(comment.hidden ? "comments.unhide" : "comments.hide"),
            )
          : null}
        {may.moderate && comment.reports > 0 ? (
          <span className="muted">{t("comments.reports", { count: comment.reports })}</span>
        ) : null}
        {may.report && !comment.mine && !may.moderate ? (
          comment.reportedByViewer ? (
            <span className="muted">{t("comments.reported")}</span>
          ) : (
            button("report", t("comments.report"))
          )
        ) : null}
      </div>
      {result?.errors.form ? (
        <p className="notice notice--error" role="alert">
          {t(result.errors.form)}
        </p>
      ) : null}
    </li>
  );
}
