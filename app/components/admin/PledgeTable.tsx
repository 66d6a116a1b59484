// A campaign's pledges on its follow-up page: filtered by tier and status, a page at a time (plain
// links to the newer and older pages, keeping the filters, so paging needs no script), each
// collected one with its refund form (what was typed comes back with the error, on its pledge).
import { Form } from "@remix-run/react";
import type { PledgeStatus } from "#db/schema.ts";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import { formatMoney } from "~/lib/money";
import { TableScroll } from "~/components/TableScroll";
import { RefundForm, type RefundResult } from "~/components/admin/RefundForm";
import { Pager } from "~/components/Pager";

export type { RefundResult };

export function PledgeTable({
  campaignId,
  currency,
  pledges,
  pages,
  tiers,
  filter,
  result,
}: {
  campaignId: string;
  currency: string;
  pledges: {
    id: string;
    backer_name: string;
    backer_email: string;
    amount: number;
    refunded_amount: number;
    status: PledgeStatus;
  }[];
  pages: { newer: string | null; older: string | null };
  tiers: { id: string; title: string }[];
  filter: { tier: string; status: string };
  result: RefundResult | undefined;
}) {
  const t = useTranslate();
  const locale = useIntlLocale();
  const money = (amount: number) => formatMoney(amount, currency, locale, { withDecimals: true });
  const pageLink = (side: "before" | "after", cursor: string) => {
    const query = new URLSearchParams();
    if (filter.tier) query.set("tier", filter.tier);
    if (filter.status) query.set("status", filter.status);
    query.set(side, cursor);
    return `?${query}`;
  };
  return (
    <>
      <h2>{t("admin.pledges")}</h2>
      <p>
        <a href={`/admin/campaigns/${campaignId}/backers.csv`} download>
          {t("dashboard.csv")}
        </a>
      </p>
      <Form method="get" className="inline-form">
        <label>
          {t("pledge.chooseTier")}{" "}
          <select name="tier" defaultValue={filter.tier}>
            <option value="">—</option>
            {tiers.map((tier) => (
              <option key={tier.id} value={tier.id}>
                {tier.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("pledgePage.status")}{" "}
          <select name="status" defaultValue={filter.status}>
            <option value="">—</option>
            {(["committed", "collected", "payment_failed", "dropped", "refunded", "canceled"] as const).map(
              (status) => (
                <option key={status} value={status}>
                  {t(`pledgePage.status.${status}`)}
                </option>
              ),
            )}
          </select>
        </label>
        <button type="submit" className="button">
          {t("dashboard.filter")}
        </button>
      </Form>
      <TableScroll label={t("admin.pledges")}>
        <table className="table">
          <tbody>
            {pledges.map((p) => (
              <tr key={p.id}>
                <td>{p.backer_name}</td>
                <td>{p.backer_email}</td>
                <td>{money(p.amount - p.refunded_amount)}</td>
                <td>{t(`pledgePage.status.${p.status}`)}</td>
                <td>{p.status === "collected" ? <RefundForm pledgeId={p.id} result={result} /> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pager
        label={t("dashboard.pages")}
        newer={pages.newer ? pageLink("before", pages.newer) : null}
        older={pages.older ? pageLink("after", pages.older) : null}
      />
    </>
  );
}
