// The campaign's own fields, for the new-campaign page and the manage page.
import type { FieldErrors } from "~/lib/form-errors";
import { useTranslate } from "~/lib/locale";
import { FormField } from "./FormField";

export function CampaignDetailsFields({
  values,
  errors,
  frozen,
}: {
  values: Record<string, string>;
  errors: FieldErrors;
  frozen: boolean;
}) {
  const t = useTranslate();
  const error = (field: string) => (errors[field] ? t(errors[field]) : null);
  const text = (
    name: string,
    label: Parameters<typeof t>[0],
    extra: { disabled?: boolean; inputMode?: "decimal" | "numeric" } = {},
  ) => (
    <FormField id={name} label={t(label)} error={error(name)}>
      {(aria) => <input {...aria} name={name} defaultValue={values[name] ?? ""} {...extra} />}
    </FormField>
  );
  return (
    <>
      {text("title", "editor.field.title")}
      {text("slug", "editor.field.slug")}
      {text("tagline", "editor.field.tagline")}
      <FormField id="story" label={t("editor.field.story")} error={error("story")}>
        {(aria) => <textarea {...aria} name="story" rows={10} defaultValue={values.story ?? ""} />}
      </FormField>
      {frozen ? <p className="muted">{t("editor.frozen")}</p> : null}
      {text("goal", "editor.field.goal", { inputMode: "decimal" })}
      {text("currency", "editor.field.currency")}
      <FormField id="fundingModel" label={t("editor.field.fundingModel")} error={error("fundingModel")}>
        {(aria) => (
          <select {...aria} name="fundingModel" defaultValue={values.fundingModel ?? "all_or_nothing"}>
            <option value="all_or_nothing">{t("campaign.model.all_or_nothing")}</option>
            <option value="flexible">{t("campaign.model.flexible")}</option>
          </select>
        )}
      </FormField>
      {text("durationDays", "editor.field.duration", { inputMode: "numeric" })}
      <FormField id="endDate" label={t("editor.field.endDate")} error={error("endDate")}>
        {(aria) => <input {...aria} type="date" name="endDate" defaultValue={values.endDate ?? ""} />}
      </FormField>
      {text("timeZone", "editor.field.timeZone")}
    </>
  );
}
