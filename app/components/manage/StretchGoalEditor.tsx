// The editor's stretch goals: each one's inline form (save, move up, remove) and the form that adds one.
import { Form } from "@remix-run/react";
import { CsrfField } from "~/components/CsrfField";
import { FormField } from "~/components/FormField";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import { toInputAmount } from "~/lib/money";
import { useResetAfterSave, type EditorErrors } from "./editor-result";

export function StretchGoalEditor({
  goals,
  currency,
  added,
  errors: { errorsFor, err },
}: {
  goals: { id: string; title: string; target: number }[];
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
      <h2>{t("editor.stretch")}</h2>
      <ul>
        {goals.map((g) => (
          <li key={g.id}>
            <Form method="post" className="inline-form" noValidate>
              <CsrfField />
              <input type="hidden" name="goalId" value={g.id} />
              <label>
                {t("editor.stretch.title")} <input name="title" defaultValue={g.title} />
              </label>
              <label>
                {t("editor.stretch.target")}{" "}
                <input
                  name="target"
                  inputMode="decimal"
                  defaultValue={toInputAmount(g.target, currency, locale)}
                />
              </label>
              <button type="submit" name="intent" value="update-stretch" className="button">
                {t("editor.save")}
              </button>
              <input type="hidden" name="direction" value="up" />
              <button type="submit" name="intent" value="move-stretch" className="button-link">
                {t("editor.tier.up")}
              </button>
              <button type="submit" name="intent" value="remove-stretch" className="button-link">
                {t("editor.tier.remove")}
              </button>
            </Form>
          </li>
        ))}
      </ul>
      <Form method="post" className="inline-form" noValidate ref={addForm}>
        <CsrfField />
        <input type="hidden" name="intent" value="add-stretch" />
        <FormField id="stretch-title" label={t("editor.stretch.title")} error={err(addErrors, "title")}>
          {(aria) => <input {...aria} name="title" defaultValue={added.title ?? ""} />}
        </FormField>
        <FormField id="stretch-target" label={t("editor.stretch.target")} error={err(addErrors, "target")}>
          {(aria) => <input {...aria} name="target" inputMode="decimal" defaultValue={added.target ?? ""} />}
        </FormField>
        <button type="submit" className="button">
          {t("editor.stretch.add")}
        </button>
      </Form>
    </>
  );
}
