// An owner's campaign: its details, reward tiers (added, edited, reordered, removed), stretch goals,
// its risks, FAQ and budget lines, submission for review, and updates once live. Every change is a plain form
// post, handed to the editor's intents (campaigns/editor-intents.server.ts), which check the
// campaign is the actor's.
import { requireManagedCampaign } from "~/campaigns/access.server";
import {
  data,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type AppLoadContext,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { assertCsrf } from "~/auth/csrf.server";
import { actorFor, type Actor } from "~/auth/policy.server";
import { CsrfField } from "~/components/CsrfField";
import {
  campaignFormSchema,
  faqFormSchema,
  risksFormSchema,
  tierFormSchema,
} from "~/campaigns/campaign-form";
import { MAX_COVER_BYTES, saveCover } from "~/campaigns/covers.server";
import { renderStory } from "~/campaigns/story.server";
import { setCover } from "~/campaigns/authoring.server";
import { handleEditorIntent } from "~/campaigns/editor-intents.server";
import { editorView } from "~/campaigns/views.server";
import { CampaignDetailsForm } from "~/components/CampaignDetailsFields";
import { ReadinessList } from "~/components/ReadinessList";
import { AddressLock } from "~/components/manage/AddressLock";
import { BudgetEditor } from "~/components/manage/BudgetEditor";
import { CoverForm } from "~/components/manage/CoverForm";
import { EditorSteps } from "~/components/manage/EditorSteps";
import { EmbedPanel } from "~/components/manage/EmbedPanel";
import { useEditorErrors, type EditorResult } from "~/components/manage/editor-result";
import { FaqEditor } from "~/components/manage/FaqEditor";
import { RisksForm } from "~/components/manage/RisksForm";
import { StretchGoalEditor } from "~/components/manage/StretchGoalEditor";
import { TierEditor } from "~/components/manage/TierEditor";
import { TranslationForm } from "~/components/manage/TranslationForm";
import { UpdateForm } from "~/components/manage/UpdateForm";
import { echoValues, fieldLimits } from "~/lib/form-echo";
import type { FieldErrors } from "~/lib/form-errors";
import { refusalOf } from "~/lib/forms.server";
import { intlLocale } from "~/i18n/catalogue.server";
import { useTranslate, pageMeta } from "~/components/use-locale";
import { requestLocale } from "~/lib/request.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { campaign } = await requireManagedCampaign(request, context, params.id ?? "");
  const view = await editorView(context.db, campaign, intlLocale(requestLocale(request)));
  return { ...view, siteUrl: context.config.PUBLIC_URL };
}

/** What the editor's forms may send back: each field cut to its schema's length. */
function editorEchoLimits(locale: string, currency: string): Record<string, number> {
  return {
    intent: 32,
    tierId: 64,
    goalId: 64,
    faqId: 64,
    lineId: 64,
    label: 120,
    amount: 32,
    direction: 8,
    target: 32,
    visibility: 16,
    body: 20_000,
    ...fieldLimits(faqFormSchema),
    ...fieldLimits(risksFormSchema),
    ...fieldLimits(tierFormSchema(currency, locale), { minimum: 32 }),
    ...fieldLimits(campaignFormSchema(locale), { goal: 32, durationDays: 8 }),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, campaign } = await requireManagedCampaign(request, context, params.id ?? "");
  const actor = actorFor(user, context.config);
  const locale = intlLocale(requestLocale(request));
  if (request.headers.get("Content-Type")?.startsWith("multipart/form-data")) {
    return uploadCover(request, context, user, { campaignId: campaign.id, actor });
  }
  const values = Object.fromEntries([...(await request.formData())].map(([k, v]) => [k, String(v)]));
  assertCsrf(values, user, context.config.SESSION_SECRET);
  const intent = values.intent ?? "";
  const echoed = echoValues(values, editorEchoLimits(locale, campaign.currency));
  // Shown as it will be published, sanitized; nothing is saved.
  if (intent === "preview") {
    const preview = renderStory(echoed.story ?? "", { siteUrl: context.config.PUBLIC_URL });
    return data({ intent, target: null, errors: {} as FieldErrors, values: echoed, preview });
  }
  const target = echoed.tierId ?? echoed.goalId ?? echoed.faqId ?? echoed.lineId ?? null;
  const answer = (errors: FieldErrors, status: number) =>
    data({ intent, target, errors, values: echoed }, { status });
  const outcome = await handleEditorIntent(
    context.db,
    { campaign, actor, values, locale, siteUrl: context.config.PUBLIC_URL },
    context.clock(),
  );
  if (outcome.kind === "invalid") return answer(outcome.errors, outcome.status);
  return redirect(`/manage/campaigns/${campaign.id}?notice=${outcome.notice}`);
}

async function uploadCover(
  request: Request,
  context: AppLoadContext,
  user: { id: string; sessionId: string },
  target: { campaignId: string; actor: Actor },
) {
  const form = await unstable_parseMultipartFormData(
    request,
    unstable_createMemoryUploadHandler({ maxPartSize: MAX_COVER_BYTES + 1 }),
  ).catch(() => null);
  const fail = (errors: FieldErrors, status = 400) =>
    data({ intent: "cover", target: null, errors, values: {} }, { status });
  if (!form) return fail({ cover: "editor.error.cover" });
  assertCsrf(form, user, context.config.SESSION_SECRET);
  const file = form.get("cover");
  if (!(file instanceof Blob)) return fail({ cover: "editor.error.cover" });
  try {
    const path = await saveCover(context.config.DATA_DIR, Buffer.from(await file.arrayBuffer()));
    await setCover(context.db, target, path);
  } catch (error) {
    const { status, field, message } = refusalOf(error);
    return fail({ [field]: message }, status);
  }
  return redirect(`/manage/campaigns/${target.campaignId}?notice=saved`);
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageMeta(matches, (t) => `${t("editor.title")} — ${data?.campaign.values.title ?? ""}`);

export default function ManageCampaign() {
  const { campaign, tiers, goals, faq, budget, readiness, translation, siteUrl } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as EditorResult | undefined;
  const [search] = useSearchParams();
  const t = useTranslate();
  const editable = campaign.status === "draft" || campaign.status === "in_review";
  const errors = useEditorErrors(result, campaign.currency);
  const notice = search.get("notice");

  return (
    <section aria-labelledby="manage-title" className="manage">
      <h1 id="manage-title">{t("editor.title")}</h1>
      <p>
        <span className={`badge badge--${campaign.status}`}>{t(`campaign.status.${campaign.status}`)}</span>{" "}
        {/* Before launch the public page is a preview only its owner and admins see. */}
        <Link to={`/campaigns/${campaign.slug}`}>
          {t(
            campaign.status === "draft" || campaign.status === "in_review"
              ? "campaign.previewLink"
              : "campaign.view",
          )}
        </Link>{" "}
        <Link to={`/admin/campaigns/${campaign.id}`}>{t("admin.manage")}</Link> ·{" "}
        <Link to={`/manage/campaigns/${campaign.id}/statement`}>{t("payouts.statementPage")}</Link>
      </p>
      {notice === "saved" || notice === "submitted" ? (
        <p className="notice notice--success" role="status">
          {t(notice === "saved" ? "editor.saved" : "editor.submitted")}
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

      <EditorSteps readiness={readiness} draft={campaign.status === "draft"} />
      <h2 id="step-details">{t("editor.details")}</h2>
      <CampaignDetailsForm
        values={
          result?.intent === "details" || result?.intent === "preview"
            ? (result.values as Record<string, string>)
            : campaign.values
        }
        errors={errors.errorsFor("details")}
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

      {result?.preview ? (
        <section className="prose notice" aria-label={t("editor.preview")}>
          {/* Sanitized on the server (story.server.ts), like the published story. */}
          <div dangerouslySetInnerHTML={{ __html: result.preview }} />
        </section>
      ) : null}

      <CoverForm cover={campaign.coverImage} errors={errors} />

      <TranslationForm translation={translation} result={result} errors={errors} />

      <TierEditor tiers={tiers} added={result?.intent === "add-tier" ? result.values : {}} errors={errors} />
      <StretchGoalEditor
        goals={goals}
        currency={campaign.currency}
        added={result?.intent === "add-stretch" ? result.values : {}}
        errors={errors}
      />
      <RisksForm risks={campaign.risks} result={result} errors={errors} />
      <FaqEditor entries={faq} result={result} errors={errors} />
      <BudgetEditor
        lines={budget}
        currency={campaign.currency}
        goal={campaign.goalAmount}
        result={result}
        errors={errors}
      />

      {tiers.some((tier) => tier.shipping) ? <AddressLock locked={campaign.addressesLocked} /> : null}
      {campaign.status === "draft" ? (
        <Form method="post">
          <ReadinessList readiness={readiness} titleId="readiness-title" />
          <CsrfField />
          <button type="submit" name="intent" value="submit" className="button button--primary button--large">
            {t("editor.submit")}
          </button>
        </Form>
      ) : null}

      {campaign.status === "live" || campaign.status === "succeeded" ? (
        <UpdateForm typed={result?.intent === "post-update" ? result.values : {}} errors={errors} />
      ) : null}
      <EmbedPanel siteUrl={siteUrl} slug={campaign.slug} title={campaign.values.title} isPublic={!editable} />
    </section>
  );
}
