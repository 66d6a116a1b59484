// The simulated 3-D Secure step for the authentication test card: approve, and the checkout
// completes as with any good card; refuse, and nothing is counted.
import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import {
  completeSimulatedCheckout,
  findSimulatedCheckout,
  loadSimulatedCheckout,
} from "~/checkout/simulated-checkout.server";
import { chargePledgeNow } from "~/pledges/charging.server";
import { pledgeUrl } from "~/auth/pledge-link.server";
import { useIntlLocale, useTranslate, pageMeta } from "~/components/use-locale";
import { formatMoney } from "~/lib/money";
import { limitCheckoutPostsByIp } from "~/auth/rate-limit.server";
import { notFound } from "~/lib/request.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const pledge = await findSimulatedCheckout(context.db, params.session ?? "");
  if (!pledge) throw notFound();
  if (pledge.status !== "pending" && pledge.status !== "payment_failed") {
    throw redirect(`/checkout/simulated/${params.session}`);
  }
  return { amount: pledge.amount, currency: pledge.currency };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const sessionId = params.session ?? "";
  const checkout = await loadSimulatedCheckout(context.db, sessionId);
  if (!checkout) throw notFound();
  const { pledge, campaign } = checkout;
  const byIp = await limitCheckoutPostsByIp(context.db, context.config, context.clientIp);
  if (!byIp.allowed) {
    throw new Response("Too many requests / Trop de demandes", {
      status: 429,
      headers: { "Retry-After": String(byIp.retryAfterSeconds) },
    });
  }
  const form = await request.formData();
  if (form.get("decision") !== "approve") {
    return redirect(`/checkout/simulated/${sessionId}?failed=authentication`);
  }
  const outcome = await completeSimulatedCheckout(
    context.db,
    pledge,
    campaign.funding_model,
    context.clock(),
  );
  if (outcome === "card_updated") {
    await chargePledgeNow(
      { db: context.db, engine: context.engine, gateway: context.gateway, clock: context.clock },
      pledge.id,
    );
  } else if (outcome !== "committed" && outcome !== "already") {
    return redirect(`/checkout/simulated/${sessionId}`);
  }
  return redirect(pledgeUrl("", context.config.SESSION_SECRET, pledge.id, { thanks: true }));
}

export const meta: MetaFunction<typeof loader> = ({ matches }) =>
  pageMeta(matches, (t) => t("checkout.auth.title"));

export default function Authenticate() {
  const { amount, currency } = useLoaderData<typeof loader>();
  const t = useTranslate();
  const locale = useIntlLocale();
  return (
    <section className="checkout" aria-labelledby="auth-title">
      <p className="checkout__test-mode">{t("checkout.testMode")}</p>
      <h1 id="auth-title">{t("checkout.auth.title")}</h1>
      <p>
        {t("checkout.auth.body", { amount: formatMoney(amount, currency, locale, { withDecimals: true }) })}
      </p>
      <Form method="post" className="auth-buttons">
        <button
          type="submit"
          name="decision"
          value="approve"
          className="button button--primary button--large"
        >
          {t("checkout.auth.approve")}
        </button>
        <button type="submit" name="decision" value="fail" className="button button--large">
          {t("checkout.auth.fail")}
        </button>
      </Form>
    </section>
  );
}
