// The editor's risks and challenges: one Markdown text, shown on the campaign page after the story,
// editable before and after launch. Emptied, the section leaves the page.
import { CsrfField } from "~/components/CsrfField";
import { FormField } from "~/components/FormField";
import { useTranslate } from "~/components/use-locale";
import type { EditorErrors, EditorResult } from "./editor-result";
import { EditorForm } from "./EditorForm";

export function RisksForm({
  risks,
  result,
  errors: { errorsFor, err },
}: {
  risks: string;
  /** The action's answer: what was typed, when this form comes back refused. */
  result: EditorResult | undefined;
  errors: EditorErrors;
}) {
  const t = useTranslate();
  const typed = result?.intent === "risks" ? result.values : {};
  const errors = errorsFor("risks");
  return (
    <>
      <h2 id="risks-editor-title">{t("editor.risks")}</h2>
      <EditorForm
        className="change-form"
        aria-labelledby="risks-editor-title"
        errors={errors}
        err={err}
        fields={["risks"]}
        idOf={(f) => f}
      >
        <CsrfField />
        <input type="hidden" name="intent" value="risks" />
        <FormField
          id="risks"
          label={t("editor.risks")}
          hint={t("editor.risks.text")}
          error={err(errors, "risks")}
        >
          {(aria) => <textarea {...aria} name="risks" rows={6} defaultValue={typed.risks ?? risks} />}
        </FormField>
        <button type="submit" className="button">
          {t("editor.risks.save")}
        </button>
      </EditorForm>
    </>
  );
}
