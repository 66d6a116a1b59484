// The creator's public profile, edited on their account page: a plain form that posts without
// JavaScript; each error at its field with what was typed, and a summary of them above the form.
import { Form } from "@remix-run/react";
import type { Profile } from "~/auth/profile.server";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary, summaryOf } from "~/components/ErrorSummary";
import { FormField } from "~/components/FormField";
import { useTranslate } from "~/components/use-locale";
import type { MessageKey } from "~/i18n/keys";

const fields = ["displayName", "organisation", "bio", "place", "website"] as const;
type Field = (typeof fields)[number];

export function ProfileForm({
  profile,
  fallbackName,
  saved,
  errors = {},
  values,
}: {
  profile: Profile;
  /** The name the campaigns are signed with when the profile gives none. */
  fallbackName: string;
  saved: boolean;
  errors?: Record<string, MessageKey>;
  /** What was typed, sent back with the errors. */
  values?: Record<string, string>;
}) {
  const t = useTranslate();
  const initial = (field: Field) => values?.[field] ?? profile[field] ?? "";
  const error = (field: Field) => (errors[field] ? t(errors[field]) : null);
  const summary = summaryOf(fields.map((field) => [field, error(field)] as const));
  return (
    <section aria-labelledby="profile-title">
      <h2 id="profile-title">{t("account.profile.title")}</h2>
      <p>{t("account.profile.lead", { fallback: fallbackName })}</p>
      {saved && summary.length === 0 ? (
        <p className="notice notice--success" role="status">
          {t("profile.saved")}
        </p>
      ) : null}
      <ErrorSummary title={t("profile.errorSummary", { count: summary.length })} errors={summary} takeFocus />
      {/* Remounted when the saved profile changes, so that its boxes show what was saved. */}
      <Form method="post" className="change-form" noValidate key={JSON.stringify(profile)}>
        <CsrfField />
        <FormField
          id="displayName"
          label={t("profile.displayName")}
          hint={t("profile.displayNameHint")}
          error={error("displayName")}
        >
          {(aria) => (
            <input {...aria} name="displayName" autoComplete="name" defaultValue={initial("displayName")} />
          )}
        </FormField>
        <FormField
          id="organisation"
          label={t("profile.organisation")}
          hint={t("profile.organisationHint")}
          error={error("organisation")}
        >
          {(aria) => (
            <input
              {...aria}
              name="organisation"
              autoComplete="organization"
              defaultValue={initial("organisation")}
            />
          )}
        </FormField>
        <FormField id="bio" label={t("profile.bio")} hint={t("profile.bioHint")} error={error("bio")}>
          {(aria) => <textarea {...aria} name="bio" rows={5} defaultValue={initial("bio")} />}
        </FormField>
        <FormField id="place" label={t("profile.place")} hint={t("profile.placeHint")} error={error("place")}>
          {(aria) => (
            <input {...aria} name="place" autoComplete="address-level2" defaultValue={initial("place")} />
          )}
        </FormField>
        <FormField
          id="website"
          label={t("profile.website")}
          hint={t("profile.websiteHint")}
          error={error("website")}
        >
          {(aria) => (
            <input
              {...aria}
              name="website"
              type="url"
              inputMode="url"
              autoComplete="url"
              defaultValue={initial("website")}
            />
          )}
        </FormField>
        <button type="submit" className="button button--primary">
          {t("profile.save")}
        </button>
      </Form>
    </section>
  );
}
