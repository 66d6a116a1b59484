// The editor's budget lines (docs/decisions/041): each line's form (what it buys, its amount; save,
// remove), moving it up or down (the raised total pays the lines in this order), and the form that
// adds one, emptied once saved and keeping what was typed when refused.
import { CsrfField } from "~/components/CsrfField";
import { FormField } from "~/components/FormField";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import { budgetTotal } from "~/lib/budget";
import { formatMoney } from "~/lib/money";
import { useResetAfterSave, type EditorErrors, type EditorResult } from "./editor-result";
import { EditorForm } from "./EditorForm";
import { MoveForm } from "./MoveForm";

const lineFields = ["label", "amount"];

export function BudgetEditor({
  lines,
  currency,
  goal,
  result,
  errors: { errorsFor, err },
}: {
  lines: { id: string; label: string; amount: string; amountMinor: number }[];
  currency: string;
  /** The campaign's goal in minor units: the page says how the lines' total compares. */
  goal: number;
  result: EditorResult | undefined;
  errors: EditorErrors;
}) {
  const t = useTranslate();
  const locale = useIntlLocale();
  const added = result?.intent === "add-budget" ? result.values : {};
  const typed = result?.intent === "update-budget" ? result.values : {};
  const addErrors = errorsFor("add-budget");
  const addForm = useResetAfterSave("add-budget", Object.keys(addErrors).length > 0);
  const total = budgetTotal(lines.map((line) => ({ amount: line.amountMinor })));
  return (
    <section aria-labelledby="step-budget">
      <h2 id="step-budget">{t("editor.budget")}</h2>
      <p className="muted">{t("editor.budget.help")}</p>
      {lines.length ? (
        <>
          <ol className="tiers__list" aria-label={t("editor.budget")}>
            {lines.map((line) => {
              const errors = errorsFor("update-budget", line.id);
              const refused = Object.keys(errors).length > 0;
              const value = (field: "label" | "amount") =>
                refused ? (typed[field] ?? line[field]) : line[field];
              return (
                <li key={line.id} className="tier">
                  <EditorForm
                    errors={errors}
                    err={err}
                    fields={lineFields}
                    idOf={(f) => `budget-${line.id}-${f}`}
                  >
                    <CsrfField />
                    <input type="hidden" name="lineId" value={line.id} />
                    <FormField
                      id={`budget-${line.id}-label`}
                      label={t("editor.budget.label")}
                      error={err(errors, "label")}
                    >
                      {(aria) => (
                        <input {...aria} name="label" maxLength={120} defaultValue={value("label")} />
                      )}
                    </FormField>
                    <FormField
                      id={`budget-${line.id}-amount`}
                      label={t("editor.budget.amount", { currency })}
                      error={err(errors, "amount")}
                    >
                      {(aria) => (
                        <input {...aria} name="amount" inputMode="decimal" defaultValue={value("amount")} />
                      )}
                    </FormField>
                    <div className="inline-form">
                      <button type="submit" name="intent" value="update-budget" className="button">
                        {t("editor.save")}
                      </button>
                      <button type="submit" name="intent" value="remove-budget" className="button-link">
                        {t("editor.tier.remove")}
                      </button>
                    </div>
                  </EditorForm>
                  <MoveForm field="lineId" id={line.id} intent="move-budget" />
                </li>
              );
            })}
          </ol>
          <p data-testid="budget-total">
            {t(total > goal ? "editor.budget.totalAbove" : "editor.budget.total", {
              total: formatMoney(total, currency, locale),
              goal: formatMoney(goal, currency, locale),
            })}
          </p>
        </>
      ) : null}
      <EditorForm
        className="change-form"
        errors={addErrors}
        err={err}
        fields={lineFields}
        idOf={(f) => `budget-${f}`}
        formRef={addForm}
      >
        <CsrfField />
        <input type="hidden" name="intent" value="add-budget" />
        <FormField id="budget-label" label={t("editor.budget.label")} error={err(addErrors, "label")}>
          {(aria) => <input {...aria} name="label" maxLength={120} defaultValue={added.label ?? ""} />}
        </FormField>
        <FormField
          id="budget-amount"
          label={t("editor.budget.amount", { currency })}
          error={err(addErrors, "amount")}
        >
          {(aria) => <input {...aria} name="amount" inputMode="decimal" defaultValue={added.amount ?? ""} />}
        </FormField>
        <button type="submit" className="button">
          {t("editor.budget.add")}
        </button>
      </EditorForm>
    </section>
  );
}
