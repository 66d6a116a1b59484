// The form an owner posts an update with, once the campaign is public: title, text, who sees it.
import { Form } from "@remix-run/react";
import { CsrfField } from "~/components/CsrfField";
import { FormField } from "~/components/FormField";
import { useTranslate } from "~/components/use-locale";
import type { EditorErrors } from "./editor-result";

export function UpdateForm({ errors: { errorsFor, err } }: { errors: EditorErrors }) {
  const t = useTranslate();
  return (
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
  );
}
