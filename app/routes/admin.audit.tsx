// The audit log: who approved, sent back or canceled a campaign, approved, marked paid or failed a
// payout, overrode a fee or refunded a pledge, and when, with the campaign named and the amounts as
// people read them. Newest first, filtered by action, campaign or person, 100 a page.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { assertCan } from "~/auth/policy.server";
import { requireUser } from "~/auth/session.server";
import { auditActions, auditedCampaigns, auditEntries } from "~/ledger/audit.server";
import type { MessageKey } from "~/i18n/keys";
import { AuditDetails } from "~/components/admin/AuditDetails";
import { TableScroll } from "~/components/TableScroll";
import { pageMeta, useIntlLocale, useTranslate } from "~/components/use-locale";
import { cursorText, parseCursor } from "~/lib/listing";
import { formatDateTime, platformTimeZone } from "~/lib/time";
import { Pager } from "~/components/Pager";

const PAGE = 100;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  assertCan(user, { action: "admin.access" }, context.config);
  const search = new URL(request.url).searchParams;
  // Filters that do not parse are ignored, not refused: the page is a view.
  const action = auditActions.find((a) => a === search.get("action")) ?? null;
  const campaignId = /^[\w-]{1,64}$/.test(search.get("campaign") ?? "") ? search.get("campaign") : null;
  const actor = (search.get("actor") ?? "").trim().slice(0, 200) || null;
  const before = parseCursor(search.get("before"));
  const [entries, campaigns] = await Promise.all([
    auditEntries(context.db, { action, campaignId, actor, before, limit: PAGE + 1 }),
    auditedCampaigns(context.db),
  ]);
  const last = entries.length > PAGE ? entries[PAGE - 1] : null;
  return {
    entries: entries.slice(0, PAGE),
    actions: auditActions,
    campaigns,
    filter: { action: action ?? "", campaign: campaignId ?? "", actor: actor ?? "" },
    older: last ? cursorText(last) : null,
  };
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => pageMeta(matches, (t) => t("audit.title"));

export default function AuditLog() {
  const { entries, actions, campaigns, filter, older } = useLoaderData<typeof loader>();
  const t = useTranslate();
  const locale = useIntlLocale();
  const olderLink = () => {
    const params = new URLSearchParams(Object.entries(filter).filter(([, v]) => v));
    params.set("before", older!);
    return `?${params}`;
  };
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t("audit.title")}</h1>
      <Form method="get" className="inline-form">
        <label>
          {t("audit.what")}{" "}
          <select name="action" defaultValue={filter.action}>
            <option value="">{t("audit.allActions")}</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {t(`audit.action.${a}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("audit.campaign")}{" "}
          <select name="campaign" defaultValue={filter.campaign}>
            <option value="">{t("audit.allCampaigns")}</option>
            {campaigns.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("audit.actor")} <input name="actor" type="search" size={20} defaultValue={filter.actor} />
        </label>
        <button type="submit" className="button">
          {t("dashboard.filter")}
        </button>
      </Form>
      {entries.length === 0 ? (
        <p className="muted">{t("audit.none")}</p>
      ) : (
        <TableScroll label={t("audit.title")}>
          <table className="table" data-testid="audit">
            <thead>
              <tr>
                <th scope="col">{t("payouts.when")}</th>
                <th scope="col">{t("audit.who")}</th>
                <th scope="col">{t("audit.what")}</th>
                <th scope="col">{t("audit.campaign")}</th>
                <th scope="col">{t("audit.details")}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.createdAt, platformTimeZone, locale)}</td>
                  <td>{e.actorEmail}</td>
                  <td>{t(`audit.action.${e.action}` as MessageKey)}</td>
                  <td>
                    {e.campaignId ? (
                      <Link to={`/admin/campaigns/${e.campaignId}`}>{e.campaignTitle ?? e.campaignId}</Link>
                    ) : null}
                  </td>
                  <td>
                    <AuditDetails details={e.details} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <Pager label={t("audit.pages")} older={older ? olderLink() : null} />
    </section>
  );
}
