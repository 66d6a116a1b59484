// The campaign's cover image: the one shown, and the form that uploads another (a file sent as
// multipart). Refused (too large, not an image), it comes back with the summary at its top.
import { CsrfField } from "~/components/CsrfField";
import { FormField } from "~/components/FormField";
import { useTranslate } from "~/components/use-locale";
import type { EditorErrors } from "./editor-result";
import { EditorForm } from "./EditorForm";

export function CoverForm({
  cover,
  errors: { errorsFor, err },
}: {
  cover: string | null;
  errors: EditorErrors;
}) {
  const t = useTranslate();
  const errors = errorsFor("cover");
  return (
    <EditorForm
      encType="multipart/form-data"
      className="change-form"
      id="step-cover"
      errors={errors}
      err={err}
      fields={["cover"]}
      idOf={(f) => f}
    >
      <CsrfField />
      {cover ? <img src={cover} alt="" width={320} height={180} /> : null}
      <FormField id="cover" label={t("editor.cover")} error={err(errors, "cover")}>
        {(aria) => <input {...aria} type="file" name="cover" accept="image/png,image/jpeg,image/webp" />}
      </FormField>
      <button type="submit" className="button">
        {t("editor.coverUpload")}
      </button>
    </EditorForm>
  );
}
