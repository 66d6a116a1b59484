// The audit log: who approved, marked paid or failed a payout, overrode a fee or refunded a pledge,
// and when. Newest first.
import type { MetaFunction } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { assertCan } from "~/auth/policy.server";
import { requireUser } from "~/auth/session.server";
import { auditEntries } from "~/ledger/audit.server";
import type { MessageKey } from "~/i18n/keys";
import { useIntlLocale, useTranslate, pageMeta } from "~/components/use-locale";
import { formatDateTime, platformTimeZone } from "~/lib/time";
import { TableScroll } from "~/components/TableScroll";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  assertCan(user, { action: "admin.access" }, context.config);
  return { entries: await auditEntries(context.db, { limit: 500 }) };
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => pageMeta(matches, (t) => t("audit.title"));

export default function AuditLog() {
  const { entries } = useLoaderData<typeof loader>();
  const t = useTranslate();
  const locale = useIntlLocale();
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t("audit.title")}</h1>
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
                <th scope="col">{t("audit.details")}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.createdAt, platformTimeZone, locale)}</td>
                  <td>{e.actorEmail}</td>
                  <td>
                    {t(`audit.action.${e.action}` as MessageKey)}
                    {e.campaignId ? (
                      <>
                        {" "}
                        <Link to={`/admin/payouts/${e.campaignId}`}>{t("payouts.statementPage")}</Link>
                      </>
                    ) : null}
                  </td>
                  <td>
                    <code>{JSON.stringify(e.details)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
