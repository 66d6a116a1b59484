// A campaign's numbers on its follow-up page: raised, backers, goal, how many backers short of it,
// the funding curve, and where the pledges' money stands (collected, pending, failing, refunded).
import type { CurvePoint } from "~/campaigns/dashboard.server";
import { FundingChart } from "~/components/FundingChart";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import type { MessageKey } from "~/i18n/keys";
import { formatMoney } from "~/lib/money";
import type { ChargeSummary } from "~/pledges/charging.server";

type Line = { count: number; amount: number };

export function CampaignNumbers({
  currency,
  numbers,
  curve,
  summary,
}: {
  currency: string;
  numbers: {
    raised: number;
    goal: number;
    backers: number;
    launchedAt: string | null;
    deadline: string | null;
    toGoal: number;
  };
  curve: CurvePoint[];
  summary: ChargeSummary;
}) {
  const t = useTranslate();
  const locale = useIntlLocale();
  const money = (amount: number) => formatMoney(amount, currency, locale, { withDecimals: true });
  const line = (label: MessageKey, value: Line) => (
    <div>
      <dt>{t(label)}</dt>
      <dd>
        {money(value.amount)} ({value.count})
      </dd>
    </div>
  );
  return (
    <>
      <h2>{t("dashboard.numbers")}</h2>
      <dl className="summary">
        <div>
          <dt>{t("stats.raised")}</dt>
          <dd data-testid="dashboard-raised">{money(numbers.raised)}</dd>
        </div>
        <div>
          <dt>{t("stats.backers", { count: numbers.backers })}</dt>
          <dd>{numbers.backers}</dd>
        </div>
        <div>
          <dt>{t("dashboard.goal")}</dt>
          <dd>{money(numbers.goal)}</dd>
        </div>
      </dl>
      {numbers.toGoal > 0 ? (
        <p data-testid="to-goal">{t("dashboard.hint", { count: numbers.toGoal })}</p>
      ) : null}
      {numbers.launchedAt && numbers.deadline ? (
        <FundingChart
          points={curve}
          launchedAt={numbers.launchedAt}
          deadline={numbers.deadline}
          goal={numbers.goal}
          currency={currency}
          label={t("dashboard.curve")}
        />
      ) : null}
      <h2>{t("admin.summary")}</h2>
      <dl className="summary" data-testid="charge-summary">
        {line("admin.collected", summary.collected)}
        {line("admin.pending", summary.pending)}
        {line("admin.processing", summary.processing)}
        {line("admin.failed", summary.failed)}
        {line("admin.dropped", summary.dropped)}
        <div>
          <dt>{t("admin.refunded")}</dt>
          <dd>{money(summary.refunded)}</dd>
        </div>
      </dl>
    </>
  );
}
