// The campaign's own fields, for the new-campaign page and the manage page. A plain form that
// works without JavaScript; with it, react-hook-form checks each field with the same zod schema as
// the server as soon as it is left.
import { zodResolver } from "@hookform/resolvers/zod";
import { Form, useSubmit } from "@remix-run/react";
import type { ReactNode } from "react";
import { useForm } from "react-hook-form";
import { campaignFormSchema } from "~/campaigns/campaign-form";
import { CAMPAIGN_CURRENCIES } from "~/lib/currencies";
import type { FieldErrors } from "~/lib/form-errors";
import type { MessageKey } from "~/i18n/keys";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import { FormField } from "./FormField";
import { focusFirstInvalid, FormErrorSummary, summaryOf, useFocusFirstError } from "./ErrorSummary";

const fields = [
  "title",
  "slug",
  "tagline",
  "story",
  "goal",
  "currency",
  "fundingModel",
  "durationDays",
  "timeZone",
  "endDate",
] as const;
type Values = Record<(typeof fields)[number], string>;

/** Fixed once the campaign is launched (app/campaigns/authoring.server.ts refuses a change). */
const frozenFields = [
  ["goal", "editor.field.goal"],
  ["currency", "editor.field.currency"],
  ["fundingModel", "editor.field.fundingModel"],
  ["durationDays", "editor.field.duration"],
  ["endDate", "editor.field.endDate"],
  ["timeZone", "editor.field.timeZone"],
] as const satisfies readonly (readonly [(typeof fields)[number], MessageKey])[];

/** What the fields' error messages read: the currency's lists the currencies a campaign may use. */
export const detailsErrorParams = { currencies: CAMPAIGN_CURRENCIES.join(", ") };

export function CampaignDetailsForm({
  values,
  errors,
  frozen,
  hidden,
  extraButtons = null,
}: {
  values: Record<string, string>;
  errors: FieldErrors;
  frozen: boolean;
  /** Hidden inputs: the intent, the anti-forgery token. */
  hidden: ReactNode;
  extraButtons?: ReactNode;
}) {
  const t = useTranslate();
  const locale = useIntlLocale();
  const submit = useSubmit();
  const initial = Object.fromEntries(fields.map((f) => [f, values[f] ?? ""])) as Values;
  const {
    register,
    handleSubmit,
    formState: { errors: clientErrors, submitCount },
  } = useForm<Values>({
    resolver: zodResolver(campaignFormSchema(locale) as never),
    defaultValues: initial,
    mode: "onTouched",
    // The first wrong field in the page's order takes the focus (focusFirstInvalid), not RHF's pick.
    shouldFocusError: false,
  });
  const error = (field: (typeof fields)[number]) => {
    const key = (clientErrors[field]?.message as MessageKey | undefined) ?? errors[field];
    return key ? t(key, detailsErrorParams) : null;
  };
  // What to fix, at the top of the form: the server's answer, or the browser's check once sent.
  const serverInvalid = fields.filter((field) => errors[field]);
  const summary =
    serverInvalid.length > 0 || submitCount > 0 ? summaryOf(fields.map((f) => [f, error(f)] as const)) : [];
  const formRef = useFocusFirstError(errors, serverInvalid);
  const text = (
    name: (typeof fields)[number],
    label: MessageKey,
    extra: { inputMode?: "decimal" | "numeric"; type?: string } = {},
  ) => (
    <FormField id={name} label={t(label)} error={error(name)}>
      {(aria) => <input {...aria} {...register(name)} defaultValue={initial[name]} {...extra} />}
    </FormField>
  );
  return (
    <Form
      ref={formRef}
      method="post"
      className="change-form"
      noValidate
      onSubmit={(event) => {
        const form = event.currentTarget;
        const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
        // Previewing needs no valid form; saving does.
        if (submitter?.value === "preview") return;
        void handleSubmit(
          () => submit(form, { method: "post" }),
          (invalid) => focusFirstInvalid(form, Object.keys(invalid)),
        )(event);
      }}
    >
      <FormErrorSummary errors={summary} />
      {hidden}
      {text("title", "editor.field.title")}
      {text("slug", "editor.field.slug")}
      {text("tagline", "editor.field.tagline")}
      <FormField id="story" label={t("editor.field.story")} error={error("story")}>
        {(aria) => <textarea {...aria} {...register("story")} rows={10} defaultValue={initial.story} />}
      </FormField>
      {frozen ? (
        // Launched: what backers pledged on no longer changes. Shown as text, not as fields that look
        // editable; sent unchanged (hidden), so that the title, tagline and story can still be saved.
        <section className="frozen-fields" aria-labelledby="frozen-title">
          <h3 id="frozen-title">{t("editor.frozenTitle")}</h3>
          <p className="muted">{t("editor.frozen")}</p>
          <dl>
            {frozenFields.map(([name, label]) => (
              <div key={name}>
                <dt>{t(label)}</dt>
                <dd>
                  {name === "fundingModel"
                    ? t(
                        initial.fundingModel === "flexible"
                          ? "editor.model.flexible"
                          : "editor.model.all_or_nothing",
                      )
                    : initial[name] || "—"}
                </dd>
              </div>
            ))}
          </dl>
          {frozenFields.map(([name]) => (
            <input key={name} type="hidden" {...register(name)} defaultValue={initial[name]} />
          ))}
        </section>
      ) : (
        <>
          {text("goal", "editor.field.goal", { inputMode: "decimal" })}
          {text("currency", "editor.field.currency")}
          <FormField id="fundingModel" label={t("editor.field.fundingModel")} error={error("fundingModel")}>
            {(aria) => (
              <select
                {...aria}
                {...register("fundingModel")}
                defaultValue={initial.fundingModel || "all_or_nothing"}
              >
                <option value="all_or_nothing">{t("campaign.model.all_or_nothing")}</option>
                <option value="flexible">{t("campaign.model.flexible")}</option>
              </select>
            )}
          </FormField>
          {text("durationDays", "editor.field.duration", { inputMode: "numeric" })}
          {text("endDate", "editor.field.endDate", { type: "date" })}
          {text("timeZone", "editor.field.timeZone")}
        </>
      )}
      <div className="inline-form">
        <button type="submit" className="button button--primary">
          {t("editor.save")}
        </button>
        {extraButtons}
      </div>
    </Form>
  );
}
