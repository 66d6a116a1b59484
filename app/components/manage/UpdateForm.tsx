// The form an owner posts an update with, once the campaign is public: title, text, who sees it.
import { CsrfField } from "~/components/CsrfField";
import { FormField } from "~/components/FormField";
import { useTranslate } from "~/components/use-locale";
import { useResetAfterSave, type EditorErrors } from "./editor-result";
import { EditorForm } from "./EditorForm";

export function UpdateForm({
  typed,
  errors: { errorsFor, err },
}: {
  /** What was typed, when the update comes back refused. */
  typed: Record<string, string | undefined>;
  errors: EditorErrors;
}) {
  const t = useTranslate();
  const errors = errorsFor("post-update");
  const form = useResetAfterSave("post-update", Object.keys(errors).length > 0);
  return (
    <>
      <h2>{t("editor.updates")}</h2>
      <EditorForm
        className="change-form"
        errors={errors}
        err={err}
        fields={["title", "body", "visibility"]}
        idOf={(f) => `update-${f}`}
        formRef={form}
      >
        <CsrfField />
        <input type="hidden" name="intent" value="post-update" />
        <FormField id="update-title" label={t("editor.update.title")} error={err(errors, "title")}>
          {(aria) => <input {...aria} name="title" defaultValue={typed.title ?? ""} />}
        </FormField>
        <FormField id="update-body" label={t("editor.update.body")} error={err(errors, "body")}>
          {(aria) => <textarea {...aria} name="body" rows={6} defaultValue={typed.body ?? ""} />}
        </FormField>
        <FormField id="update-visibility" label={t("editor.update.visibility")}>
          {(aria) => (
            <select {...aria} name="visibility" defaultValue={typed.visibility ?? "public"}>
              <option value="public">{t("editor.update.public")}</option>
              <option value="backers">{t("editor.update.backers")}</option>
            </select>
          )}
        </FormField>
        <button type="submit" className="button button--primary">
          {t("editor.update.post")}
        </button>
      </EditorForm>
    </>
  );
}
