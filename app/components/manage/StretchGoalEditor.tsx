// The editor's stretch goals: each one's form (title, amount, description; save, remove), moving it
// up or down, and the form that adds one.
import { CsrfField } from "~/components/CsrfField";
import { MoveForm } from "./MoveForm";
import { FormField } from "~/components/FormField";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import { toInputAmount } from "~/lib/money";
import { useResetAfterSave, type EditorErrors } from "./editor-result";
import { EditorForm } from "./EditorForm";

const goalFields = ["title", "target", "description"];

export function StretchGoalEditor({
  goals,
  currency,
  added,
  errors: { errorsFor, err },
}: {
  goals: { id: string; title: string; target: number; description: string }[];
  currency: string;
  /** What was typed in the add form, when it comes back refused. */
  added: Record<string, string | undefined>;
  errors: EditorErrors;
}) {
  const t = useTranslate();
  const locale = useIntlLocale();
  const addErrors = errorsFor("add-stretch");
  const addForm = useResetAfterSave("add-stretch", Object.keys(addErrors).length > 0);
  return (
    <>
      <h2 id="step-stretch">{t("editor.stretch")}</h2>
      <ol className="tiers__list">
        {goals.map((g) => {
          const errors = errorsFor("update-stretch", g.id);
          return (
            <li key={g.id} className="tier">
              <EditorForm errors={errors} err={err} fields={goalFields} idOf={(f) => `stretch-${g.id}-${f}`}>
                <CsrfField />
                <input type="hidden" name="goalId" value={g.id} />
                <FormField
                  id={`stretch-${g.id}-title`}
                  label={t("editor.stretch.title")}
                  error={err(errors, "title")}
                >
                  {(aria) => <input {...aria} name="title" defaultValue={g.title} />}
                </FormField>
                <FormField
                  id={`stretch-${g.id}-target`}
                  label={t("editor.stretch.target")}
                  error={err(errors, "target")}
                >
                  {(aria) => (
                    <input
                      {...aria}
                      name="target"
                      inputMode="decimal"
                      defaultValue={toInputAmount(g.target, currency, locale)}
                    />
                  )}
                </FormField>
                <FormField
                  id={`stretch-${g.id}-description`}
                  label={t("editor.stretch.description")}
                  error={err(errors, "description")}
                >
                  {(aria) => <textarea {...aria} name="description" rows={2} defaultValue={g.description} />}
                </FormField>
                <div className="inline-form">
                  <button type="submit" name="intent" value="update-stretch" className="button">
                    {t("editor.save")}
                  </button>
                  <button type="submit" name="intent" value="remove-stretch" className="button-link">
                    {t("editor.tier.remove")}
                  </button>
                </div>
              </EditorForm>
              <MoveForm field="goalId" id={g.id} intent="move-stretch" />
            </li>
          );
        })}
      </ol>
      <EditorForm
        className="change-form"
        errors={addErrors}
        err={err}
        fields={goalFields}
        idOf={(f) => `stretch-${f}`}
        formRef={addForm}
      >
        <CsrfField />
        <input type="hidden" name="intent" value="add-stretch" />
        <FormField id="stretch-title" label={t("editor.stretch.title")} error={err(addErrors, "title")}>
          {(aria) => <input {...aria} name="title" defaultValue={added.title ?? ""} />}
        </FormField>
        <FormField id="stretch-target" label={t("editor.stretch.target")} error={err(addErrors, "target")}>
          {(aria) => <input {...aria} name="target" inputMode="decimal" defaultValue={added.target ?? ""} />}
        </FormField>
        <FormField
          id="stretch-description"
          label={t("editor.stretch.description")}
          error={err(addErrors, "description")}
        >
          {(aria) => (
            <textarea {...aria} name="description" rows={2} defaultValue={added.description ?? ""} />
          )}
        </FormField>
        <button type="submit" className="button">
          {t("editor.stretch.add")}
        </button>
      </EditorForm>
    </>
  );
}
