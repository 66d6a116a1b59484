// An owner's campaign: its details, reward tiers (added, edited, reordered, removed), stretch goals,
// submission for review, and updates once live. Every change is a plain form post.
import { requireManagedCampaign } from "~/campaigns/access.server";
import {
  data,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type AppLoadContext,
  type LoaderFunctionArgs,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { assertCsrf } from "~/auth/csrf.server";
import { CsrfField } from "~/components/CsrfField";
import { amountMessage, campaignFormSchema, tierFormSchema } from "~/campaigns/campaign-form";
import { MAX_COVER_BYTES, saveCover } from "~/campaigns/covers.server";
import { renderStory } from "~/campaigns/story.server";
import {
  addStretchGoal,
  addTier,
  moveTier,
  postUpdate,
  moveStretchGoal,
  removeStretchGoal,
  updateStretchGoal,
  removeTier,
  setCover,
  submitForReview,
  updateCampaign,
  updateTier,
} from "~/campaigns/authoring.server";
import { CampaignDetailsForm } from "~/components/CampaignDetailsFields";
import { FormField } from "~/components/FormField";
import { AppError } from "~/lib/errors";
import { minimumPledge } from "~/lib/currencies";
import { echoValues, fieldLimits } from "~/lib/form-echo";
import { firstErrors, type FieldErrors } from "~/lib/form-errors";
import { intlLocale } from "~/i18n/catalogue.server";
import type { MessageKey } from "~/i18n/keys";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import { ambiguousAmountParams, formatMoney, parseMoney, toInputAmount } from "~/lib/money";
import { notFound, requestLocale } from "~/lib/request.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { campaign } = await requireManagedCampaign(request, context, params.id ?? "");
  const locale = intlLocale(requestLocale(request));
  const tiers = await context.db
    .selectFrom("reward_tiers")
    .selectAll()
    .where("campaign_id", "=", campaign.id)
    .orderBy("position")
    .execute();
  const goals = await context.db
    .selectFrom("stretch_goals")
    .selectAll()
    .where("campaign_id", "=", campaign.id)
    .orderBy("position")
    .execute();
  return {
    campaign: {
      id: campaign.id,
      slug: campaign.slug,
      status: campaign.status,
      currency: campaign.currency,
      reviewMessage: campaign.review_message,
      coverImage: campaign.cover_image,
      values: {
        title: campaign.title,
        slug: campaign.slug,
        tagline: campaign.tagline,
        story: campaign.story_md,
        goal: toInputAmount(campaign.goal_amount, campaign.currency, locale),
        currency: campaign.currency,
        fundingModel: campaign.funding_model,
        durationDays: String(campaign.duration_days),
        timeZone: campaign.time_zone,
        endDate: campaign.end_date ?? "",
      },
    },
    tiers: tiers.map((t) => ({
      id: t.id,
      title: t.title,
      description: t.description,
      minimum: toInputAmount(t.min_amount, campaign.currency, locale),
      minAmount: t.min_amount,
      limit: t.stock_limit === null ? "" : String(t.stock_limit),
      claimed: t.claimed_count,
      delivery: t.estimated_delivery ?? "",
      shipping: t.shipping_required === 1,
    })),
    goals: goals.map((g) => ({ id: g.id, title: g.title, target: g.target_amount })),
  };
}

const errorKeys: Record<string, MessageKey> = {
  slug_taken: "editor.error.slugTaken",
  frozen_after_launch: "editor.error.frozen",
  limit_below_claimed: "editor.error.limitBelowClaimed",
  limit_lowered: "editor.error.frozen",
  tier_has_pledges: "editor.error.tierHasPledges",
};

/** What the editor's forms may send back: each field cut to its schema's length. */
function editorEchoLimits(locale: string, currency: string): Record<string, number> {
  return {
    intent: 32,
    tierId: 64,
    goalId: 64,
    direction: 8,
    target: 32,
    visibility: 16,
    body: 20_000,
    ...fieldLimits(tierFormSchema(currency, locale), { minimum: 32 }),
    ...fieldLimits(campaignFormSchema(locale), { goal: 32, durationDays: 8 }),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, campaign } = await requireManagedCampaign(request, context, params.id ?? "");
  const locale = intlLocale(requestLocale(request));
  const now = context.clock();
  if (request.headers.get("Content-Type")?.startsWith("multipart/form-data")) {
    return uploadCover(request, context, user, campaign.id);
  }
  const values = Object.fromEntries([...(await request.formData())].map(([k, v]) => [k, String(v)]));
  assertCsrf(values, user, context.config.SESSION_SECRET);
  const intent = values.intent ?? "";
  const echoed = echoValues(values, editorEchoLimits(locale, campaign.currency));
  const fail = (errors: FieldErrors, status = 400) =>
    data({ intent, target: echoed.tierId ?? null, errors, values: echoed }, { status });
  const back = (notice = "saved") => redirect(`/manage/campaigns/${campaign.id}?notice=${notice}`);
  const tierIds = (
    await context.db.selectFrom("reward_tiers").select("id").where("campaign_id", "=", campaign.id).execute()
  ).map((t) => t.id);
  if (values.tierId && !tierIds.includes(values.tierId)) throw notFound();
  const ownGoal = async (goalId: string | undefined) => {
    const goal = await context.db
      .selectFrom("stretch_goals")
      .select("id")
      .where("id", "=", goalId ?? "")
      .where("campaign_id", "=", campaign.id)
      .executeTakeFirst();
    if (!goal) throw notFound();
    return goal;
  };
  try {
    switch (intent) {
      case "preview": {
        // Shown as it will be published, sanitized; nothing is saved.
        return data({
          intent,
          target: null,
          errors: {} as FieldErrors,
          values: echoed,
          preview: renderStory(echoed.story ?? "", { siteUrl: context.config.PUBLIC_URL }),
        });
      }
      case "details": {
        const parsed = campaignFormSchema(locale).safeParse(values);
        if (!parsed.success) return fail(firstErrors(parsed.error));
        await updateCampaign(context.db, campaign.id, parsed.data, now);
        return back();
      }
      case "add-tier":
      case "update-tier": {
        const parsed = tierFormSchema(campaign.currency, locale).safeParse(values);
        if (!parsed.success) return fail(firstErrors(parsed.error));
        if (intent === "add-tier") await addTier(context.db, campaign.id, parsed.data, now);
        else await updateTier(context.db, values.tierId!, parsed.data);
        return back();
      }
      case "remove-tier":
        await removeTier(context.db, values.tierId!);
        return back();
      case "move-tier":
        await moveTier(context.db, values.tierId!, values.direction === "up" ? "up" : "down");
        return back();
      case "add-stretch":
      case "update-stretch": {
        const target = parseMoney(values.target ?? "", campaign.currency, locale);
        const title = (values.title ?? "").trim();
        const errors: FieldErrors = {};
        if (!target.ok || target.amount <= 0) errors.target = amountMessage(target, "editor.error.goal");
        if (title.length < 2) errors.title = "editor.error.tierTitle";
        if (Object.keys(errors).length || !target.ok) return fail(errors);
        if (intent === "add-stretch")
          await addStretchGoal(context.db, campaign.id, { title, target: target.amount });
        else
          await updateStretchGoal(context.db, (await ownGoal(values.goalId)).id, {
            title,
            target: target.amount,
          });
        return back();
      }
      case "move-stretch":
        await moveStretchGoal(
          context.db,
          (await ownGoal(values.goalId)).id,
          values.direction === "up" ? "up" : "down",
        );
        return back();
      case "remove-stretch":
        await removeStretchGoal(context.db, (await ownGoal(values.goalId)).id);
        return back();
      case "submit":
        await submitForReview(context.db, campaign.id, now);
        return back("submitted");
      case "post-update": {
        const parsed = z
          .object({
            title: z.string().trim().min(3, "editor.error.title").max(120, "editor.error.title"),
            body: z.string().trim().min(20, "editor.error.story").max(20_000, "editor.error.story"),
            visibility: z.enum(["public", "backers"]),
          })
          .safeParse(values);
        if (!parsed.success) return fail(firstErrors(parsed.error));
        if (campaign.status === "draft" || campaign.status === "in_review")
          return fail({ form: "editor.error.state" }, 409);
        await postUpdate(context.db, campaign.id, parsed.data, now);
        return back();
      }
      default:
        return fail({ form: "editor.error.state" });
    }
  } catch (error) {
    if (error instanceof AppError) {
      return fail({ [error.field ?? "form"]: errorKeys[error.code] ?? "editor.error.state" }, error.status);
    }
    throw error;
  }
}

async function uploadCover(
  request: Request,
  context: AppLoadContext,
  user: { id: string; sessionId: string },
  campaignId: string,
) {
  const form = await unstable_parseMultipartFormData(
    request,
    unstable_createMemoryUploadHandler({ maxPartSize: MAX_COVER_BYTES + 1 }),
  ).catch(() => null);
  const fail = () =>
    data(
      { intent: "cover", target: null, errors: { cover: "editor.error.cover" } as FieldErrors, values: {} },
      { status: 400 },
    );
  if (!form) return fail();
  assertCsrf(form, user, context.config.SESSION_SECRET);
  const file = form.get("cover");
  if (!(file instanceof Blob)) return fail();
  try {
    const path = await saveCover(context.config.DATA_DIR, Buffer.from(await file.arrayBuffer()));
    await setCover(context.db, campaignId, path);
  } catch (error) {
    if (error instanceof AppError) return fail();
    throw error;
  }
  return redirect(`/manage/campaigns/${campaignId}?notice=saved`);
}

export default function ManageCampaign() {
  const { campaign, tiers, goals } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [search] = useSearchParams();
  const t = useTranslate();
  const locale = useIntlLocale();
  const editable = campaign.status === "draft" || campaign.status === "in_review";
  const errorsFor = (intent: string, tierId: string | null = null): FieldErrors =>
    result && result.intent === intent && (tierId === null || result.target === tierId) ? result.errors : {};
  const err = (errors: FieldErrors, field: string) => {
    const key = errors[field];
    if (!key) return null;
    if (key === "editor.error.minimumTooSmall")
      return t(key, {
        currencyMin: formatMoney(minimumPledge(campaign.currency), campaign.currency, locale),
      });
    if (key !== "money.error.ambiguous" || !result || !("values" in result)) return t(key);
    // Both readings of what was typed, in the currency it was read in.
    const typed = result.values as Record<string, string | undefined>;
    const currency =
      field === "goal" && typed.currency ? typed.currency.trim().toUpperCase() : campaign.currency;
    return t(key, ambiguousAmountParams(typed[field] ?? "", currency, locale));
  };
  const notice = search.get("notice");

  const tierFields = (
    prefix: string,
    values: Record<string, string | number | boolean>,
    errors: FieldErrors,
  ) => (
    <>
      <FormField id={`${prefix}-title`} label={t("editor.tier.title")} error={err(errors, "title")}>
        {(aria) => <input {...aria} name="title" defaultValue={String(values.title ?? "")} />}
      </FormField>
      <FormField
        id={`${prefix}-description`}
        label={t("editor.tier.description")}
        error={err(errors, "description")}
      >
        {(aria) => (
          <textarea {...aria} name="description" rows={2} defaultValue={String(values.description ?? "")} />
        )}
      </FormField>
      <FormField id={`${prefix}-minimum`} label={t("editor.tier.minimum")} error={err(errors, "minimum")}>
        {(aria) => (
          <input {...aria} name="minimum" inputMode="decimal" defaultValue={String(values.minimum ?? "")} />
        )}
      </FormField>
      <FormField id={`${prefix}-limit`} label={t("editor.tier.limit")} error={err(errors, "limit")}>
        {(aria) => (
          <input {...aria} name="limit" inputMode="numeric" defaultValue={String(values.limit ?? "")} />
        )}
      </FormField>
      <FormField id={`${prefix}-delivery`} label={t("editor.tier.delivery")} error={err(errors, "delivery")}>
        {(aria) => (
          <input
            {...aria}
            name="delivery"
            placeholder="2027-03"
            defaultValue={String(values.delivery ?? "")}
          />
        )}
      </FormField>
      <label className="checkbox">
        <input
          type="checkbox"
          name="shipping"
          defaultChecked={values.shipping === true || values.shipping === "on"}
        />
        {t("editor.tier.shipping")}
      </label>
    </>
  );

  return (
    <section aria-labelledby="manage-title" className="manage">
      <h1 id="manage-title">{t("editor.title")}</h1>
      <p>
        <span className={`badge badge--${campaign.status}`}>{t(`campaign.status.${campaign.status}`)}</span>{" "}
        {campaign.status !== "draft" && campaign.status !== "in_review" ? (
          <Link to={`/campaigns/${campaign.slug}`}>{t("campaign.view")}</Link>
        ) : null}{" "}
        <Link to={`/admin/campaigns/${campaign.id}`}>{t("admin.manage")}</Link> ·{" "}
        <Link to={`/manage/campaigns/${campaign.id}/statement`}>{t("payouts.statementPage")}</Link>
      </p>
      {notice === "saved" ? (
        <p className="notice notice--success" role="status">
          {t("editor.saved")}
        </p>
      ) : null}
      {notice === "submitted" ? (
        <p className="notice notice--success" role="status">
          {t("editor.submitted")}
        </p>
      ) : null}
      {campaign.reviewMessage && campaign.status === "draft" ? (
        <p className="notice">
          {t("editor.reviewMessage")} {campaign.reviewMessage}
        </p>
      ) : null}
      {result?.errors.form ? (
        <p className="notice notice--error" role="alert">
          {t(result.errors.form)}
        </p>
      ) : null}

      <h2>{t("editor.details")}</h2>
      <CampaignDetailsForm
        values={
          result?.intent === "details" || result?.intent === "preview"
            ? (result.values as Record<string, string>)
            : campaign.values
        }
        errors={errorsFor("details")}
        frozen={!editable}
        hidden={
          <>
            <CsrfField />
            <input type="hidden" name="intent" value="details" />
          </>
        }
        extraButtons={
          <button type="submit" name="intent" value="preview" className="button">
            {t("editor.preview")}
          </button>
        }
      />

      {result && "preview" in result && result.preview ? (
        <section className="prose notice" aria-label={t("editor.preview")}>
          {/* Sanitized on the server (story.server.ts), like the published story. */}
          <div dangerouslySetInnerHTML={{ __html: result.preview }} />
        </section>
      ) : null}

      <Form method="post" encType="multipart/form-data" className="change-form">
        <CsrfField />
        {campaign.coverImage ? <img src={campaign.coverImage} alt="" width={320} height={180} /> : null}
        <FormField id="cover" label={t("editor.cover")} error={err(errorsFor("cover"), "cover")}>
          {(aria) => <input {...aria} type="file" name="cover" accept="image/png,image/jpeg,image/webp" />}
        </FormField>
        <button type="submit" className="button">
          {t("editor.coverUpload")}
        </button>
      </Form>

      <h2>{t("editor.tiers")}</h2>
      <ol className="tiers__list">
        {tiers.map((tier) => (
          <li key={tier.id} className="tier">
            <Form method="post" noValidate>
              <CsrfField />
              <input type="hidden" name="intent" value="update-tier" />
              <input type="hidden" name="tierId" value={tier.id} />
              {tierFields(`tier-${tier.id}`, tier, errorsFor("update-tier", tier.id))}
              <button type="submit" className="button">
                {t("editor.save")}
              </button>
            </Form>
            <Form method="post" className="inline-form">
              <CsrfField />
              <input type="hidden" name="tierId" value={tier.id} />
              <input type="hidden" name="intent" value="move-tier" />
              <button type="submit" name="direction" value="up" className="button-link">
                {t("editor.tier.up")}
              </button>
              <button type="submit" name="direction" value="down" className="button-link">
                {t("editor.tier.down")}
              </button>
            </Form>
            {tier.claimed === 0 ? (
              <Form method="post">
                <CsrfField />
                <input type="hidden" name="tierId" value={tier.id} />
                <button type="submit" name="intent" value="remove-tier" className="button button--danger">
                  {t("editor.tier.remove")}
                </button>
              </Form>
            ) : null}
            {errorsFor("remove-tier", tier.id).form ? (
              <p className="field__error">{t(errorsFor("remove-tier", tier.id).form!)}</p>
            ) : null}
          </li>
        ))}
      </ol>
      <Form method="post" className="change-form" noValidate>
        <CsrfField />
        <input type="hidden" name="intent" value="add-tier" />
        {tierFields("new-tier", result?.intent === "add-tier" ? result.values : {}, errorsFor("add-tier"))}
        <button type="submit" className="button">
          {t("editor.tier.add")}
        </button>
      </Form>

      <h2>{t("editor.stretch")}</h2>
      <ul>
        {goals.map((g) => (
          <li key={g.id}>
            <Form method="post" className="inline-form" noValidate>
              <CsrfField />
              <input type="hidden" name="goalId" value={g.id} />
              <label>
                {t("editor.stretch.title")} <input name="title" defaultValue={g.title} />
              </label>
              <label>
                {t("editor.stretch.target")}{" "}
                <input
                  name="target"
                  inputMode="decimal"
                  defaultValue={toInputAmount(g.target, campaign.currency, locale)}
                />
              </label>
              <button type="submit" name="intent" value="update-stretch" className="button">
                {t("editor.save")}
              </button>
              <input type="hidden" name="direction" value="up" />
              <button type="submit" name="intent" value="move-stretch" className="button-link">
                {t("editor.tier.up")}
              </button>
              <button type="submit" name="intent" value="remove-stretch" className="button-link">
                {t("editor.tier.remove")}
              </button>
            </Form>
          </li>
        ))}
      </ul>
      <Form method="post" className="inline-form" noValidate>
        <CsrfField />
        <input type="hidden" name="intent" value="add-stretch" />
        <FormField
          id="stretch-title"
          label={t("editor.stretch.title")}
          error={err(errorsFor("add-stretch"), "title")}
        >
          {(aria) => <input {...aria} name="title" />}
        </FormField>
        <FormField
          id="stretch-target"
          label={t("editor.stretch.target")}
          error={err(errorsFor("add-stretch"), "target")}
        >
          {(aria) => <input {...aria} name="target" inputMode="decimal" />}
        </FormField>
        <button type="submit" className="button">
          {t("editor.stretch.add")}
        </button>
      </Form>

      {campaign.status === "draft" ? (
        <Form method="post">
          <CsrfField />
          <button type="submit" name="intent" value="submit" className="button button--primary button--large">
            {t("editor.submit")}
          </button>
        </Form>
      ) : null}

      {campaign.status === "live" || campaign.status === "succeeded" ? (
        <>
          <h2>{t("editor.updates")}</h2>
          <Form method="post" className="change-form" noValidate>
            <CsrfField />
            <input type="hidden" name="intent" value="post-update" />
            <FormField
              id="update-title"
              label={t("editor.update.title")}
              error={err(errorsFor("post-update"), "title")}
            >
              {(aria) => <input {...aria} name="title" />}
            </FormField>
            <FormField
              id="update-body"
              label={t("editor.update.body")}
              error={err(errorsFor("post-update"), "body")}
            >
              {(aria) => <textarea {...aria} name="body" rows={6} />}
            </FormField>
            <FormField id="update-visibility" label={t("editor.update.visibility")}>
              {(aria) => (
                <select {...aria} name="visibility" defaultValue="public">
                  <option value="public">{t("editor.update.public")}</option>
                  <option value="backers">{t("editor.update.backers")}</option>
                </select>
              )}
            </FormField>
            <button type="submit" className="button button--primary">
              {t("editor.update.post")}
            </button>
          </Form>
        </>
      ) : null}
    </section>
  );
}
