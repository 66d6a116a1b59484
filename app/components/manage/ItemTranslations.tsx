// Each reward's, stretch goal's, FAQ entry's and budget line's texts in the campaign's other language, one small
// form each under the campaign's own translation: readers in that language see them, and a field
// left empty shows them the owner's text. Refused, a form shows its error summary at its top.
import { CsrfField } from "~/components/CsrfField";
import { FormField } from "~/components/FormField";
import { useTranslate } from "~/components/use-locale";
import type { MessageKey } from "~/i18n/keys";
import type { EditorView } from "~/campaigns/views.server";
import type { EditorErrors, EditorResult } from "./editor-result";
import { EditorForm } from "./EditorForm";

type Items = EditorView["translation"];
type Kind = { intent: string; idField: string; legend: MessageKey; fields: [string, MessageKey, boolean][] };

const titled = (
  intent: string,
  idField: string,
  legend: MessageKey,
  [title, description]: [MessageKey, MessageKey],
): Kind => ({
  intent,
  idField,
  legend,
  fields: [
    ["title", title, false],
    ["description", description, true],
  ],
});
const kinds = {
  tiers: titled("translate-tier", "tierId", "editor.translation.reward", [
    "editor.tier.title",
    "editor.tier.description",
  ]),
  goals: titled("translate-stretch", "goalId", "editor.translation.goal", [
    "editor.stretch.title",
    "editor.stretch.description",
  ]),
  faq: {
    intent: "translate-faq",
    idField: "faqId",
    legend: "editor.translation.faqEntry",
    fields: [
      ["question", "editor.faq.question", false],
      ["answer", "editor.faq.answer", true],
    ],
  },
  budget: {
    intent: "translate-budget",
    idField: "lineId",
    legend: "editor.translation.budgetLine",
    fields: [["label", "editor.budget.label", false]],
  },
} satisfies Record<string, Kind>;

export function ItemTranslations({
  items,
  result,
  errors: { errorsFor, err },
}: {
  items: Items;
  result: EditorResult | undefined;
  errors: EditorErrors;
}) {
  const t = useTranslate();
  const language = items.language;
  const groups = (["tiers", "goals", "faq", "budget"] as const).filter((group) => items[group].length > 0);
  if (groups.length === 0) return null;
  return (
    <div className="item-translations">
      <h3>{t("editor.translation.items", { language: t(`editor.translation.language.${language}`) })}</h3>
      {groups.map((group) =>
        items[group].map((item) => {
          const kind: Kind = kinds[group];
          const errors = errorsFor(kind.intent, item.id);
          const typed =
            result?.intent === kind.intent && result.target === item.id ? result.values : undefined;
          const values = (typed ?? item.values) as Record<string, string | undefined>;
          return (
            <EditorForm
              key={item.id}
              className="change-form"
              errors={errors}
              err={err}
              fields={kind.fields.map(([field]) => field)}
              idOf={(field) => `${kind.intent}-${item.id}-${field}`}
            >
              <fieldset>
                <legend>{t(kind.legend, { title: item.original })}</legend>
                <CsrfField />
                <input type="hidden" name="intent" value={kind.intent} />
                <input type="hidden" name={kind.idField} value={item.id} />
                {kind.fields.map(([field, label, long]) => (
                  <FormField
                    key={field}
                    id={`${kind.intent}-${item.id}-${field}`}
                    label={t(label)}
                    error={err(errors, field)}
                  >
                    {(aria) =>
                      long ? (
                        <textarea
                          {...aria}
                          name={field}
                          rows={3}
                          lang={language}
                          defaultValue={values[field] ?? ""}
                        />
                      ) : (
                        <input {...aria} name={field} lang={language} defaultValue={values[field] ?? ""} />
                      )
                    }
                  </FormField>
                ))}
                <button type="submit" className="button">
                  {t("editor.translation.save")}
                </button>
              </fieldset>
            </EditorForm>
          );
        }),
      )}
    </div>
  );
}
