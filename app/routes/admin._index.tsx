// Admins: every campaign by status, each leading to its follow-up page.
import type { MetaFunction } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { assertCan } from "~/auth/policy.server";
import { requireUser } from "~/auth/session.server";
import { usersForAdmins } from "~/auth/users.server";
import { campaignsForAdmins } from "~/campaigns/views.server";
import { useIntlLocale, useTranslate, pageMeta } from "~/components/use-locale";
import { formatMoney } from "~/lib/money";
import { TableScroll } from "~/components/TableScroll";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  assertCan(user, { action: "admin.access" }, context.config);
  return { campaigns: await campaignsForAdmins(context.db), users: await usersForAdmins(context.db) };
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => pageMeta(matches, (t) => t("admin.title"));

export default function Admin() {
  const { campaigns, users } = useLoaderData<typeof loader>();
  const queue = campaigns.filter((c) => c.status === "in_review");
  const t = useTranslate();
  const locale = useIntlLocale();
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">{t("admin.title")}</h1>
      <p>
        <Link to="/admin/mailbox">{t("mailbox.title")}</Link> ·{" "}
        <Link to="/admin/payouts">{t("payouts.title")}</Link> ·{" "}
        <Link to="/admin/audit">{t("audit.title")}</Link>
      </p>
      <h2>{t("admin.reviewQueue")}</h2>
      <ul data-testid="review-queue">
        {queue.map((c) => (
          <li key={c.id}>
            <Link to={`/admin/campaigns/${c.id}/review`}>{c.title}</Link>
          </li>
        ))}
      </ul>
      <h2>{t("admin.campaigns")}</h2>
      <TableScroll label={t("admin.campaigns")}>
        <table className="table">
          <tbody>
            {campaigns.map((c) => (
              <tr key={c.id}>
                <td>
                  <span className={`badge badge--${c.status}`}>{t(`campaign.status.${c.status}`)}</span>
                </td>
                <td>
                  <Link to={`/admin/campaigns/${c.id}`}>{c.title}</Link>
                </td>
                <td>
                  {formatMoney(c.pledged_amount, c.currency, locale)} /{" "}
                  {formatMoney(c.goal_amount, c.currency, locale)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <h2>{t("admin.users")}</h2>
      <TableScroll label={t("admin.users")}>
        <table className="table">
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>{u.email}</td>
                <td>{u.created_at.slice(0, 10)}</td>
                <td>{u.campaigns}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}
