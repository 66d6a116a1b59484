// The pledge form: pick a reward (or none), an amount, who you are; then off to the payment page.
// Works as a plain form post; with JavaScript, react-hook-form checks fields as they are filled.
import { randomUUID } from "node:crypto";
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import {
  limitPledgePostsByIp,
  limitPledgesByEmail,
  mayHoldAnotherUnit,
  recordPledgeOrigin,
} from "~/auth/rate-limit.server";
import { PledgeForm } from "~/components/pledges/PledgeForm";
import { beginCheckout, repeatedCheckout } from "~/checkout/checkout.server";
import {
  fieldErrors,
  pledgeFormSchema,
  type PledgeFormErrors,
  type PledgeFormValues,
} from "~/pledges/pledge-form";
import { getPledgeOptions } from "~/pledges/pledge-options.server";
import { AppError } from "~/lib/errors";
import { minimumPledge } from "~/lib/currencies";
import { echoValues, fieldLimits } from "~/lib/form-echo";
import { intlLocale } from "~/i18n/catalogue.server";
import type { MessageKey } from "~/i18n/keys";
import { matchesTranslator, useTranslate } from "~/components/use-locale";
import { toInputAmount } from "~/lib/money";
import { notFound, requestLocale } from "~/lib/request.server";
import { formatInstant } from "~/lib/time";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requestLocale(request);
  const options = await getPledgeOptions(context.db, {
    slug: params.slug ?? "",
    locale,
    now: context.clock(),
  });
  if (!options) throw notFound();
  const url = new URL(request.url);
  const requested = url.searchParams.get("tier");
  const tier = options.tiers.find((t) => t.id === requested && !t.soldOut);
  // Without a reward, ten times the least Stripe charges: 10 € in euros, as before.
  const minimum = tier?.minAmount ?? minimumPledge(options.campaign.currency) * 10;
  return {
    locale,
    options,
    deadlineText: options.campaign.deadline
      ? formatInstant(new Date(options.campaign.deadline), options.campaign.timeZone, intlLocale(locale))
      : "",
    canceled: url.searchParams.has("canceled"),
    defaults: {
      tierId: tier?.id ?? "",
      amount: toInputAmount(minimum, options.campaign.currency, intlLocale(locale)),
      name: "",
      email: "",
      comment: "",
      anonymous: false,
      consent: false,
      // One key per form shown: the same form sent twice makes one pledge.
      submissionKey: randomUUID(),
    } satisfies PledgeFormValues,
  };
}

const errorKeys: Record<string, MessageKey> = {
  campaign_closed: "pledge.error.campaignClosed",
  sold_out: "pledge.error.soldOut",
  tier_not_found: "pledge.error.tierUnknown",
  amount_below_minimum: "pledge.error.amountBelowMinimum",
  amount_not_chargeable: "pledge.error.amountDecimals",
  amount_too_large: "pledge.error.amountTooLarge",
  payment_unavailable: "pledge.error.paymentUnavailable",
  submission_reused: "pledge.error.formExpired",
};

/** Fields whose schema sets no length: an amount as typed, a tier id, the form's submission key. */
const echoLimits = { amount: 32, tierId: 64, submissionKey: 64 };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requestLocale(request);
  const now = context.clock();
  const options = await getPledgeOptions(context.db, { slug: params.slug ?? "", locale, now });
  if (!options) throw notFound();
  const form = await request.formData();
  const values: PledgeFormValues = {
    tierId: String(form.get("tierId") ?? ""),
    amount: String(form.get("amount") ?? ""),
    name: String(form.get("name") ?? ""),
    email: String(form.get("email") ?? ""),
    comment: String(form.get("comment") ?? ""),
    anonymous: form.get("anonymous") === "on",
    consent: form.get("consent") === "on",
    submissionKey: String(form.get("submissionKey") ?? ""),
  };
  const schema = pledgeFormSchema({
    currency: options.campaign.currency,
    locale: intlLocale(locale),
    fundingModel: options.campaign.fundingModel,
    tiers: options.tiers,
  });
  // What was typed comes back with the errors, but never more than each field can hold.
  const echoed: PledgeFormValues = {
    ...values,
    ...(echoValues({ ...values }, fieldLimits(schema, echoLimits)) as Omit<
      PledgeFormValues,
      "anonymous" | "consent"
    >),
  };
  const fail = (errors: PledgeFormErrors, status: number, headers?: HeadersInit) =>
    data({ errors, values: echoed }, { status, headers });
  // Too many: the form comes back as it was typed, with when to try again.
  const tooMany = (retryAfterSeconds: number) =>
    fail({ form: "limit.tooMany" }, 429, { "Retry-After": String(retryAfterSeconds) });
  const byIp = await limitPledgePostsByIp(context.db, context.config, context.clientIp);
  if (!byIp.allowed) return tooMany(byIp.retryAfterSeconds);
  if (!options.campaign.open) return fail({ form: "pledge.error.campaignClosed" }, 409);
  // The same form again (its key): back to its checkout, before any check, sold out included.
  try {
    const url = await repeatedCheckout(context.db, {
      campaignId: options.campaign.id,
      submissionKey: values.submissionKey,
    });
    if (url) return redirect(url);
  } catch (error) {
    if (error instanceof AppError && errorKeys[error.code])
      return fail({ form: errorKeys[error.code] }, error.status);
    throw error;
  }

  const parsed = schema.safeParse(values);
  if (!parsed.success) return fail(fieldErrors(parsed.error), 400);
  const byEmail = await limitPledgesByEmail(context.db, context.config, parsed.data.email);
  if (!byEmail.allowed) return tooMany(byEmail.retryAfterSeconds);
  const hold = {
    tierId: parsed.data.tierId,
    email: parsed.data.email,
    ip: context.clientIp,
    submissionKey: parsed.data.submissionKey,
  };
  if (!(await mayHoldAnotherUnit(context.db, context.config, hold, now))) {
    return fail({ form: "limit.holds" }, 429);
  }

  try {
    const { pledge, url } = await beginCheckout(
      {
        db: context.db,
        gateway: context.gateway,
        publicUrl: context.config.PUBLIC_URL,
        secret: context.config.SESSION_SECRET,
      },
      {
        campaignId: options.campaign.id,
        tierId: parsed.data.tierId,
        amount: parsed.data.amount,
        backerName: parsed.data.name,
        backerEmail: parsed.data.email,
        comment: parsed.data.comment,
        anonymous: parsed.data.anonymous,
        locale,
        submissionKey: parsed.data.submissionKey,
      },
      {
        slug: options.campaign.slug,
        title: options.campaign.title,
        fundingModel: options.campaign.fundingModel,
      },
      now,
    );
    await recordPledgeOrigin(context.db, pledge.id, context.clientIp, now);
    return redirect(url);
  } catch (error) {
    if (error instanceof AppError && errorKeys[error.code]) {
      const field = (error.field ?? "form") as keyof PledgeFormErrors;
      return fail({ [field]: errorKeys[error.code] }, error.status);
    }
    throw error;
  }
}

export const meta: MetaFunction<typeof loader> = ({ data: loaderData, matches }) => {
  if (!loaderData) return [];
  const t = matchesTranslator(matches);
  return [
    { title: `${t("pledge.title", { title: loaderData.options.campaign.title })} — ${t("site.name")}` },
  ];
};

export default function PledgeRoute() {
  const { options, defaults, deadlineText, canceled } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useTranslate();
  const { campaign, tiers } = options;
  const serverErrors = actionData?.errors ?? {};

  if (!campaign.open) {
    return (
      <section className="narrow">
        <h1>{t("pledge.closed")}</h1>
        <Link to={`/campaigns/${campaign.slug}`}>{t("pledge.back")}</Link>
      </section>
    );
  }

  return (
    <section className="pledge" aria-labelledby="pledge-title">
      <p>
        <Link to={`/campaigns/${campaign.slug}`}>← {t("pledge.back")}</Link>
      </p>
      <h1 id="pledge-title">{t("pledge.title", { title: campaign.title })}</h1>
      {canceled ? <p className="notice">{t("pledge.canceled")}</p> : null}
      {serverErrors.form ? (
        <p className="notice notice--error" role="alert">
          {t(serverErrors.form)}
        </p>
      ) : null}
      {/* What the person typed comes back with the errors; the server renders it without JavaScript too. */}
      <PledgeForm
        campaign={campaign}
        tiers={tiers}
        initial={actionData?.values ?? defaults}
        serverErrors={serverErrors}
        deadlineText={deadlineText}
      />
    </section>
  );
}
