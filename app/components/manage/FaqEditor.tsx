// The editor's FAQ: each question's form (question, answer; save, remove), moving it up or down, and
// the form that adds one, emptied once saved and keeping what was typed when refused.
import { CsrfField } from "~/components/CsrfField";
import { MoveForm } from "./MoveForm";
import { FormField } from "~/components/FormField";
import { useTranslate } from "~/components/use-locale";
import { useResetAfterSave, type EditorErrors, type EditorResult } from "./editor-result";
import { EditorForm } from "./EditorForm";

const faqFields = ["question", "answer"];

export function FaqEditor({
  entries,
  result,
  errors: { errorsFor, err },
}: {
  entries: { id: string; question: string; answer: string }[];
  /** The action's answer: what was typed in the add form or an entry's, when it comes back refused. */
  result: EditorResult | undefined;
  errors: EditorErrors;
}) {
  const t = useTranslate();
  const added = result?.intent === "add-faq" ? result.values : {};
  const typed = result?.intent === "update-faq" ? result.values : {};
  const addErrors = errorsFor("add-faq");
  const addForm = useResetAfterSave("add-faq", Object.keys(addErrors).length > 0);
  return (
    <>
      <h2 id="step-faq">{t("editor.faq")}</h2>
      {entries.length ? (
        <ol className="tiers__list">
          {entries.map((entry) => {
            const errors = errorsFor("update-faq", entry.id);
            const refused = Object.keys(errors).length > 0;
            const value = (field: "question" | "answer") =>
              refused ? (typed[field] ?? entry[field]) : entry[field];
            return (
              <li key={entry.id} className="tier">
                <EditorForm errors={errors} err={err} fields={faqFields} idOf={(f) => `faq-${entry.id}-${f}`}>
                  <CsrfField />
                  <input type="hidden" name="faqId" value={entry.id} />
                  <FormField
                    id={`faq-${entry.id}-question`}
                    label={t("editor.faq.question")}
                    error={err(errors, "question")}
                  >
                    {(aria) => <input {...aria} name="question" defaultValue={value("question")} />}
                  </FormField>
                  <FormField
                    id={`faq-${entry.id}-answer`}
                    label={t("editor.faq.answer")}
                    error={err(errors, "answer")}
                  >
                    {(aria) => <textarea {...aria} name="answer" rows={3} defaultValue={value("answer")} />}
                  </FormField>
                  <div className="inline-form">
                    <button type="submit" name="intent" value="update-faq" className="button">
                      {t("editor.save")}
                    </button>
                    <button type="submit" name="intent" value="remove-faq" className="button-link">
                      {t("editor.tier.remove")}
                    </button>
                  </div>
                </EditorForm>
                <MoveForm field="faqId" id={entry.id} intent="move-faq" />
              </li>
            );
          })}
        </ol>
      ) : null}
      <EditorForm
        className="change-form"
        errors={addErrors}
        err={err}
        fields={faqFields}
        idOf={(f) => `faq-${f}`}
        formRef={addForm}
      >
        <CsrfField />
        <input type="hidden" name="intent" value="add-faq" />
        <FormField id="faq-question" label={t("editor.faq.question")} error={err(addErrors, "question")}>
          {(aria) => <input {...aria} name="question" maxLength={200} defaultValue={added.question ?? ""} />}
        </FormField>
        <FormField id="faq-answer" label={t("editor.faq.answer")} error={err(addErrors, "answer")}>
          {(aria) => <textarea {...aria} name="answer" rows={3} defaultValue={added.answer ?? ""} />}
        </FormField>
        <button type="submit" className="button">
          {t("editor.faq.add")}
        </button>
      </EditorForm>
    </>
  );
}
