// The simulated gateway's checkout page: Stripe's test cards and test IBANs (SEPA Direct Debit, with
// its mandate text), clearly in test mode. It drives the same pledge functions as Stripe's webhooks;
// a declined card counts nothing, a debit counts while the bank settles it.
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type AppLoadContext,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { limitCheckoutPostsByIp } from "~/auth/rate-limit.server";
import { echoValues } from "~/lib/form-echo";
import { issueMessage } from "~/lib/form-errors";
import { CardForm, SepaForm, type CheckoutErrors } from "~/components/checkout/PaymentForms";
import { ErrorSummary } from "~/components/ErrorSummary";
import { cardFormSchema, sepaFormSchema } from "~/checkout/card-form";
import {
  cardBehaviour,
  ibanBehaviour,
  simulatedPaymentMethod,
  simulatedSepaPaymentMethod,
} from "~/payments/simulated.server";
import { completeSimulatedCheckout, loadSimulatedCheckout } from "~/checkout/simulated-checkout.server";
import { chargePledgeNow } from "~/pledges/charging.server";
import { pledgeUrl } from "~/auth/pledge-link.server";
import { expirePledge } from "~/pledges/pledges.server";
import { matchesTranslator, useIntlLocale, useTranslate } from "~/components/use-locale";
import { formatMoney } from "~/lib/money";
import { notFound, requestLocale } from "~/lib/request.server";
import type { Locale } from "~/i18n/keys";

async function loadCheckout(context: AppLoadContext, sessionId: string, locale?: Locale) {
  const checkout = await loadSimulatedCheckout(context.db, sessionId, locale);
  if (!checkout) throw notFound();
  return checkout;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requestLocale(request);
  const { pledge, campaign } = await loadCheckout(context, params.session ?? "", locale);
  return {
    locale,
    sessionId: params.session ?? "",
    // Pending: the first checkout; payment_failed: a new card after a failed charge.
    open: pledge.status === "pending" || pledge.status === "payment_failed",
    status: pledge.status,
    amount: pledge.amount,
    currency: pledge.currency,
    campaign: { slug: campaign.slug, title: campaign.title, fundingModel: campaign.funding_model },
    pledgeLink: pledgeUrl("", context.config.SESSION_SECRET, pledge.id),
    // SEPA Direct Debit debits euros only, as on Stripe.
    sepa: pledge.currency === "EUR",
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const now = context.clock();
  const sessionId = params.session ?? "";
  const { pledge, campaign } = await loadCheckout(context, sessionId);
  const form = await request.formData();
  const values = {
    cardNumber: String(form.get("cardNumber") ?? ""),
    expiry: String(form.get("expiry") ?? ""),
    cvc: String(form.get("cvc") ?? ""),
    accountHolder: String(form.get("accountHolder") ?? ""),
    iban: String(form.get("iban") ?? ""),
  };
  const echoed = echoValues(values, {
    cardNumber: 32,
    expiry: 16,
    cvc: 8,
    accountHolder: 100,
    iban: 48,
  }) as typeof values;
  const fail = (errors: CheckoutErrors, status: number, headers?: HeadersInit) =>
    data({ errors, values: echoed }, { status, headers });
  const byIp = await limitCheckoutPostsByIp(context.db, context.config, context.clientIp);
  if (!byIp.allowed) {
    return fail({ form: "limit.tooMany" }, 429, { "Retry-After": String(byIp.retryAfterSeconds) });
  }

  if (form.get("intent") === "cancel") {
    await expirePledge(context.db, pledge.id, "abandoned", now);
    return redirect(`/campaigns/${campaign.slug}/pledge?canceled=1`);
  }
  if (pledge.status !== "pending" && pledge.status !== "payment_failed") {
    return fail({ form: "checkout.error.closed" }, 409);
  }

  const issues = (error: { issues: Parameters<typeof issueMessage>[0][] }) => {
    const errors: CheckoutErrors = {};
    for (const issue of error.issues) {
      const field = String(issue.path[0]) as keyof CheckoutErrors;
      errors[field] ??= issueMessage(issue);
    }
    return fail(errors, 400);
  };
  let paymentMethodId: string;
  if (form.get("intent") === "sepa") {
    // The mandate text is beside the IBAN field; sending the form accepts it, as on Stripe's page.
    if (pledge.currency !== "EUR") return fail({ form: "checkout.error.closed" }, 409);
    const parsed = sepaFormSchema.safeParse(values);
    if (!parsed.success) return issues(parsed.error);
    const behaviour = ibanBehaviour(parsed.data.iban);
    if (!behaviour) return fail({ iban: "checkout.error.unknownIban" }, 400);
    paymentMethodId = simulatedSepaPaymentMethod(behaviour);
  } else {
    const parsed = cardFormSchema(now).safeParse(values);
    if (!parsed.success) return issues(parsed.error);
    const behaviour = cardBehaviour(parsed.data.cardNumber);
    if (behaviour === "unknown") return fail({ cardNumber: "checkout.error.unknownCard" }, 400);
    if (behaviour === "declined") return fail({ form: "checkout.error.declined" }, 402);
    if (behaviour === "authentication_required")
      return redirect(`/checkout/simulated/${sessionId}/authenticate`);
    paymentMethodId = simulatedPaymentMethod(behaviour);
  }

  const outcome = await completeSimulatedCheckout(
    context.db,
    pledge,
    campaign.funding_model,
    now,
    paymentMethodId,
  );
  if (outcome === "card_updated") {
    await chargePledgeNow(
      { db: context.db, engine: context.engine, gateway: context.gateway, clock: context.clock },
      pledge.id,
    );
  }
  if (outcome === "too_late") return fail({ form: "checkout.error.tooLate" }, 409);
  if (outcome === "not_pending") return fail({ form: "checkout.error.closed" }, 409);
  return redirect(pledgeUrl("", context.config.SESSION_SECRET, pledge.id, { thanks: true }));
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => [
  { title: `${matchesTranslator(matches)("checkout.title")} — Tour de table` },
  { name: "robots", content: "noindex" },
];

export default function SimulatedCheckout() {
  const { sessionId, open, amount, currency, campaign, pledgeLink, sepa } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const t = useTranslate();
  const locale = useIntlLocale();
  const amountText = formatMoney(amount, currency, locale, { withDecimals: true });
  const authFailed = searchParams.get("failed") === "authentication" && !actionData;
  const errors: CheckoutErrors = {
    ...(authFailed ? { form: "checkout.error.authFailed" as const } : {}),
    ...actionData?.errors,
  };
  const fieldErrors = (["cardNumber", "expiry", "cvc", "accountHolder", "iban"] as const)
    .filter((f) => errors[f])
    .map((f) => ({ field: f, message: t(errors[f]!) }));

  return (
    <section className="checkout" aria-labelledby="checkout-title">
      <p className="checkout__test-mode">{t("checkout.testMode")}</p>
      <h1 id="checkout-title">{t("checkout.title")}</h1>
      <p className="checkout__summary">
        {t("checkout.summary", { amount: amountText, title: campaign.title })}
      </p>
      {!open ? (
        <>
          <p className="notice">{t("checkout.error.closed")}</p>
          <p>
            <Link to={pledgeLink}>{t("pledgePage.title")}</Link> ·{" "}
            <Link to={`/campaigns/${campaign.slug}`}>{t("pledge.back")}</Link>
          </p>
        </>
      ) : (
        <>
          <p>{t(`checkout.intro.${campaign.fundingModel}`)}</p>
          {errors.form ? (
            <p className="notice notice--error" role="alert">
              {t(errors.form)}
            </p>
          ) : null}
          <ErrorSummary
            title={t("pledge.errorSummary", { count: fieldErrors.length })}
            errors={fieldErrors}
            takeFocus
          />
          <CardForm
            fundingModel={campaign.fundingModel}
            amountText={amountText}
            errors={errors}
            values={actionData?.values}
            labelled={sepa}
          />
          {sepa ? (
            <SepaForm
              fundingModel={campaign.fundingModel}
              amountText={amountText}
              errors={errors}
              values={actionData?.values}
            />
          ) : null}
          <Form method="post" action={`/checkout/simulated/${sessionId}`}>
            <button type="submit" name="intent" value="cancel" className="button-link">
              {t("checkout.cancel")}
            </button>
          </Form>
        </>
      )}
    </section>
  );
}
