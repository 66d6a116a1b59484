// A campaign's statement as people read it: from what was collected down to what is still due, with
// a bar showing where the money went. Used by the owner's and the admins' pages alike.
import type { Statement as StatementData } from "~/payouts/statement.server";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import { formatMoney } from "~/lib/money";

export function Statement({ statement, currency }: { statement: StatementData; currency: string }) {
  const t = useTranslate();
  const locale = useIntlLocale();
  const money = (amount: number) => formatMoney(amount, currency, locale, { withDecimals: true });
  const rows: Array<[string, string, string]> = [
    ["collected", t("statement.collected"), money(statement.collected)],
    ["refunds", t("statement.refunds"), `− ${money(statement.refunds)}`],
    ["disputes", t("statement.disputes"), `− ${money(statement.disputes)}`],
    ["stripeFees", t("statement.stripeFees"), `− ${money(statement.stripeFees)}`],
    [
      "platformFee",
      t("statement.platformFeeAt", { rate: (statement.feeBps / 100).toLocaleString(locale) }),
      `− ${money(statement.platformFee)}`,
    ],
    ["net", t("statement.net"), money(statement.net)],
    ["paidOut", t("statement.paidOut"), `− ${money(statement.paidOut)}`],
    ["reversed", t("statement.reversed"), `+ ${money(statement.reversed)}`],
    ["due", t("statement.due"), money(statement.due)],
  ];
  // Where the collected money went, as shares of it: kept by the owner, fees, given back.
  const total = Math.max(statement.collected, 1);
  const share = (amount: number) => `${Math.max(0, (amount * 100) / total).toFixed(2)}%`;
  return (
    <>
      <dl className="summary" data-testid="statement">
        {rows.map(([key, label, value]) => (
          <div
            key={key}
            data-line={key}
            className={key === "due" || key === "net" ? "summary__total" : undefined}
          >
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {statement.due < 0 ? (
        <p className="notice notice--error" role="status" data-testid="carried">
          {t("statement.carried", { amount: money(-statement.due) })}
        </p>
      ) : null}
      {statement.collected > 0 ? (
        <div className="split-bar" role="img" aria-label={t("statement.split")}>
          <span className="split-bar__net" style={{ width: share(Math.max(statement.net, 0)) }} />
          <span
            className="split-bar__fees"
            style={{ width: share(statement.stripeFees + statement.platformFee) }}
          />
          <span
            className="split-bar__back"
            style={{ width: share(statement.refunds + statement.disputes) }}
          />
        </div>
      ) : null}
    </>
  );
}
