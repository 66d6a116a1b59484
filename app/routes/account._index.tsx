// A signed-in person's pledges, found by the email they pledged with, each with its private link;
// their campaigns; and their public profile, which their campaigns' pages show.
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { assertCsrf } from "~/auth/csrf.server";
import { PROFILE_ECHO_LIMITS, profileOf, profileSchema, saveProfile } from "~/auth/profile.server";
import { requireUser } from "~/auth/session.server";
import { campaignsOwnedBy } from "~/campaigns/views.server";
import { CsrfField } from "~/components/CsrfField";
import { ProfileForm } from "~/components/ProfileForm";
import { pledgeUrl } from "~/auth/pledge-link.server";
import { pledgesOfBacker } from "~/pledges/pledge-view.server";
import { matchesTranslator, useIntlLocale, useTranslate } from "~/components/use-locale";
import { parseForm, refusal } from "~/lib/forms.server";
import { formatMoney } from "~/lib/money";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const pledges = await pledgesOfBacker(context.db, user.email);
  const owned = await campaignsOwnedBy(context.db, user.id);
  return {
    email: user.email,
    profile: profileOf(user),
    fallbackName: user.name,
    profileSaved: new URL(request.url).searchParams.has("profile-saved"),
    owned,
    pledges: pledges.map((p) => ({ ...p, link: pledgeUrl("", context.config.SESSION_SECRET, p.id) })),
  };
}

/** Saves the profile; back on the page, it says so (a redirect, so that a reload posts nothing again). */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await parseForm(request, profileSchema, { limits: PROFILE_ECHO_LIMITS });
  assertCsrf(form.fields, user, context.config.SESSION_SECRET);
  if (!form.ok) return data({ errors: form.errors, values: form.values }, { status: 400 });
  try {
    await saveProfile(context.db, user.id, form.data);
  } catch (error) {
    return refusal(error, form.values);
  }
  return redirect("/account?profile-saved");
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => [
  { title: `${matchesTranslator(matches)("account.title")} — Tour de table` },
  { name: "robots", content: "noindex" },
];

export default function Account() {
  const { email, pledges, owned, profile, fallbackName, profileSaved } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
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
      <ProfileForm
        profile={profile}
        fallbackName={fallbackName}
        saved={profileSaved}
        errors={result?.errors}
        values={result?.values}
      />
      <h2 id="account-data">{t("account.data.title")}</h2>
      <p>{t("account.data.hint")}</p>
      <ul>
        <li>
          {/* A file, not a page: the browser downloads it, with or without JavaScript. */}
          <a href="/account/data.json" download>
            {t("account.data.download")}
          </a>
        </li>
        <li>
          <Link to="/account/delete">{t("account.data.delete")}</Link>
        </li>
        <li>
          <Link to="/privacy">{t("account.data.privacy")}</Link>
        </li>
      </ul>
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
