// Where an owner connects the account they are paid on: a Stripe Express account, set up on Stripe's
// own pages (an account link). Without one, or while Stripe is not configured, the platform pays by
// bank transfer.
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { assertCsrf } from "~/auth/csrf.server";
import { requireUser } from "~/auth/session.server";
import { CsrfField } from "~/components/CsrfField";
import { payoutAccountOf, refreshPayoutAccount, startOnboarding } from "~/payouts/accounts.server";
import { refusalOf } from "~/lib/forms.server";
import { matchesTranslator, useTranslate } from "~/components/use-locale";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const url = new URL(request.url);
  // Back from Stripe: read the account now rather than wait for its webhook.
  const account = url.searchParams.has("return")
    ? await refreshPayoutAccount({ db: context.db, gateway: context.gateway }, user.id, context.clock())
    : await payoutAccountOf(context.db, user.id);
  return {
    account,
    stripe: context.gateway.connect !== undefined,
    returned: url.searchParams.has("return"),
    expired: url.searchParams.has("refresh"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = Object.fromEntries(await request.formData());
  assertCsrf(form, user, context.config.SESSION_SECRET);
  const base = `${context.config.PUBLIC_URL}/account/payouts`;
  try {
    const url = await startOnboarding(
      { db: context.db, gateway: context.gateway },
      user,
      { refreshUrl: `${base}?refresh=1`, returnUrl: `${base}?return=1` },
      context.clock(),
    );
    return redirect(url);
  } catch (error) {
    const { status, message } = refusalOf(error);
    return data({ error: message }, { status });
  }
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => [
  { title: `${matchesTranslator(matches)("payoutAccount.title")} — Tour de table` },
  { name: "robots", content: "noindex" },
];

export default function PayoutAccountPage() {
  const { account, stripe, returned, expired } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useTranslate();
  return (
    <section className="narrow" aria-labelledby="payout-account-title">
      <h1 id="payout-account-title">{t("payoutAccount.title")}</h1>
      <p>{t("payoutAccount.lead")}</p>
      {expired ? <p className="notice">{t("payoutAccount.expired")}</p> : null}
      <p data-testid="payout-account-status" role={returned ? "status" : undefined}>
        {account
          ? account.payoutsEnabled
            ? t("payoutAccount.enabled")
            : t("payoutAccount.pending")
          : stripe
            ? t("payoutAccount.none")
            : t("payoutAccount.bank")}
      </p>
      {stripe && !account?.payoutsEnabled ? (
        <Form method="post">
          <CsrfField />
          <button type="submit" className="button button--primary">
            {account ? t("payoutAccount.continue") : t("payoutAccount.connect")}
          </button>
        </Form>
      ) : null}
      {result?.error ? (
        <p className="field__error" role="alert">
          {t(result.error)}
        </p>
      ) : null}
    </section>
  );
}
