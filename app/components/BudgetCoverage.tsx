// Beside the progress bar: what the money raised so far pays, line by line in the owner's order
// (docs/decisions/041). Each line says in words whether it is covered, partly (how much) or not yet,
// so colour is never the only sign. It is computed from the same total as the bar, so it follows the
// live numbers when the bar does.
import type { BudgetLineView } from "~/campaigns/campaigns.server";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import { budgetCoverage } from "~/lib/budget";
import { formatMoney } from "~/lib/money";

export function BudgetCoverage({
  lines,
  raised,
  currency,
}: {
  lines: BudgetLineView[];
  raised: number;
  currency: string;
}) {
  const t = useTranslate();
  const locale = useIntlLocale();
  if (lines.length === 0) return null;
  const money = (amount: number) => formatMoney(amount, currency, locale);
  return (
    <section className="budget" aria-labelledby="budget-title" data-testid="budget">
      <h2 id="budget-title" className="budget__title">
        {t("budget.title")}
      </h2>
      <ol className="budget__list">
        {budgetCoverage(lines, raised).map(({ line, covered, state }) => (
          <li key={line.id} className={`budget__line budget__line--${state}`} data-state={state}>
            <span className="budget__label">{line.label}</span>{" "}
            <span className="budget__amount">{money(line.amount)}</span>{" "}
            <span
              className={`badge ${state === "covered" ? "badge--succeeded" : "badge--pending"} budget__state`}
            >
              {state === "covered"
                ? t("budget.covered")
                : state === "partial"
                  ? t("budget.partial", { covered: money(covered), amount: money(line.amount) })
                  : t("budget.none")}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
