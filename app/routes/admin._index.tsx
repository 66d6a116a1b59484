// Admins: every campaign by status, each leading to its follow-up page.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { assertCan } from "~/auth/policy.server";
import { requireUser } from "~/auth/session.server";
import { useIntlLocale, useTranslate } from "~/lib/locale";
import { formatMoney } from "~/lib/money";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  assertCan(user, { action: "admin.access" }, context.config);
  const campaigns = await context.db
    .selectFrom("campaigns")
    .select(["id", "title", "status", "pledged_amount", "goal_amount", "currency", "deadline_at"])
    .orderBy("status")
    .orderBy("deadline_at", "desc")
    .execute();
  return { campaigns };
}

export default function Admin() {
  const { campaigns } = useLoaderData<typeof loader>();
  const t = useTranslate();
  const locale = useIntlLocale();
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">{t("admin.title")}</h1>
      <p>
        <Link to="/admin/mailbox">{t("mailbox.title")}</Link>
      </p>
      <h2>{t("admin.campaigns")}</h2>
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
    </section>
  );
}
