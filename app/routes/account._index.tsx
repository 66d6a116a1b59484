// A signed-in person's pledges, found by the email they pledged with, each with its private link.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";
import { campaignsOwnedBy } from "~/campaigns/views.server";
import { CsrfField } from "~/components/CsrfField";
import { pledgeUrl } from "~/auth/pledge-link.server";
import { pledgesOfBacker } from "~/pledges/pledge-view.server";
import { matchesTranslator, useIntlLocale, useTranslate } from "~/components/use-locale";
import { formatMoney } from "~/lib/money";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const pledges = await pledgesOfBacker(context.db, user.email);
  const owned = await campaignsOwnedBy(context.db, user.id);
  return {
    email: user.email,
    owned,
    pledges: pledges.map((p) => ({ ...p, link: pledgeUrl("", context.config.SESSION_SECRET, p.id) })),
  };
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => [
  { title: `${matchesTranslator(matches)("account.title")} — Tour de table` },
  { name: "robots", content: "noindex" },
];

export default function Account() {
  const { email, pledges, owned } = useLoaderData<typeof loader>();
  const t = useTranslate();
  const locale = useIntlLocale();
  return (
    <section className="narrow" aria-labelledby="account-title">
      <h1 id="account-title">{t("account.title")}</h1>
      <p className="muted">{email}</p>
      {owned.length ? (
        <>
          <h2>{t("editor.title")}</h2>
          <p>
            <Link to="/account/payouts">{t("payoutAccount.title")}</Link>
          </p>
          <ul>
            {owned.map((c) => (
              <li key={c.id}>
                <Link to={`/manage/campaigns/${c.id}`}>{c.title}</Link> — {t(`campaign.status.${c.status}`)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {pledges.length === 0 ? (
        <p>{t("account.none")}</p>
      ) : (
        <ul>
          {pledges.map((p) => (
            <li key={p.id}>
              <Link to={p.link}>
                {p.title} — {formatMoney(p.amount, p.currency, locale)} — {t(`pledgePage.status.${p.status}`)}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <Form method="post" action="/sign-out" className="change-form">
        <CsrfField />
        <p className="muted">{t("account.signOutEverywhereHint")}</p>
        <button type="submit" name="scope" value="everywhere" className="button">
          {t("account.signOutEverywhere")}
        </button>
      </Form>
    </section>
  );
}
