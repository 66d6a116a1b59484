// The campaign's title, tagline and story in its other language (English for a French campaign):
// readers in that language see them; a field left empty shows them the owner's own text.
import { CsrfField } from "~/components/CsrfField";
import { FormField } from "~/components/FormField";
import { useTranslate } from "~/components/use-locale";
import type { EditorView } from "~/campaigns/views.server";
import type { EditorErrors, EditorResult } from "./editor-result";
import { ItemTranslations } from "./ItemTranslations";
import { EditorForm } from "./EditorForm";

export function TranslationForm({
  translation,
  result,
  errors: editorErrors,
}: {
  translation: EditorView["translation"];
  result: EditorResult | undefined;
  errors: EditorErrors;
}) {
  const { errorsFor, err } = editorErrors;
  const { language } = translation;
  const values = result?.intent === "translate" ? result.values : translation.values;
  const t = useTranslate();
  const errors = errorsFor("translate");
  const name = t(`editor.translation.language.${language}`);
  return (
    <section aria-labelledby="translation-title">
      <h2 id="translation-title">{t("editor.translation.title", { language: name })}</h2>
      <p className="muted">{t("editor.translation.hint", { language: name })}</p>
      <EditorForm
        className="change-form"
        errors={errors}
        err={err}
        fields={["title", "tagline", "story"]}
        idOf={(f) => (f === "title" ? "translation-title-field" : `translation-${f}`)}
      >
        <CsrfField />
        <input type="hidden" name="intent" value="translate" />
        <FormField id="translation-title-field" label={t("editor.field.title")} error={err(errors, "title")}>
          {(aria) => <input {...aria} name="title" lang={language} defaultValue={values.title ?? ""} />}
        </FormField>
        <FormField id="translation-tagline" label={t("editor.field.tagline")} error={err(errors, "tagline")}>
          {(aria) => <input {...aria} name="tagline" lang={language} defaultValue={values.tagline ?? ""} />}
        </FormField>
        <FormField id="translation-story" label={t("editor.field.story")} error={err(errors, "story")}>
          {(aria) => (
            <textarea {...aria} name="story" rows={8} lang={language} defaultValue={values.story ?? ""} />
          )}
        </FormField>
        <button type="submit" className="button">
          {t("editor.translation.save")}
        </button>
      </EditorForm>
      <ItemTranslations items={translation} result={result} errors={editorErrors} />
    </section>
  );
}
