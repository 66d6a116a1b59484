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
import { Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { limitPledgePostsByIp, limitPledgesByEmail, mayHoldAnotherUnit } from "~/auth/rate-limit.server";
import { PledgeForm } from "~/components/pledges/PledgeForm";
import { beginCheckout, repeatedCheckout } from "~/checkout/checkout.server";
import {
  emptyDelivery,
  pledgeFormSchema,
  type PledgeFormErrors,
  type PledgeFormValues,
} from "~/pledges/pledge-form";
import { getPledgeOptions } from "~/pledges/pledge-options.server";
import { minimumPledge } from "~/lib/currencies";
import { parseForm, refusal } from "~/lib/forms.server";
import { intlLocale } from "~/i18n/catalogue.server";
import { formatZonedInstant } from "~/lib/zoned-time.server";
import { matchesTranslator, useTranslate } from "~/components/use-locale";
import { toInputAmount } from "~/lib/money";
import { countryOptions } from "~/lib/countries";
import { notFound, requestLocale } from "~/lib/request.server";

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
  // A link to a reward that sold out since: the form says so, and offers the others.
  const soldOutTier = options.tiers.find((t) => t.id === requested && t.soldOut)?.title ?? null;
  // Without a reward, ten times the least Stripe charges: 10 € in euros, as before.
  const minimum = tier?.minAmount ?? minimumPledge(options.campaign.currency) * 10;
  return {
    locale,
    options,
    deadlineText: options.campaign.deadline
      ? formatZonedInstant(new Date(options.campaign.deadline), options.campaign.timeZone, locale)
      : "",
    canceled: url.searchParams.has("canceled"),
    // Only a campaign with a reward sent by post asks where to.
    countries: options.tiers.some((t) => t.shippingRequired) ? countryOptions(intlLocale(locale)) : [],
    soldOutTier,
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
      ...emptyDelivery,
    } satisfies PledgeFormValues,
  };
}

/** Fields whose schema sets no length: an amount as typed, a tier id, the form's submission key. */
const echoLimits = { amount: 32, tierId: 64, submissionKey: 64 };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requestLocale(request);
  const now = context.clock();
  const options = await getPledgeOptions(context.db, { slug: params.slug ?? "", locale, now });
  if (!options) throw notFound();
  const schema = pledgeFormSchema({
    currency: options.campaign.currency,
    locale: intlLocale(locale),
    fundingModel: options.campaign.fundingModel,
    tiers: options.tiers,
  });
  // What was typed comes back with the errors, but never more than each field can hold.
  const form = await parseForm(request, schema, { limits: echoLimits, checkboxes: ["anonymous", "consent"] });
  // Every field of the schema is there (a missing one reads as empty), the checkboxes "on" or absent.
  const values = form.values as Partial<PledgeFormValues> as PledgeFormValues;
  const fail = (errors: PledgeFormErrors, status: number, headers?: HeadersInit) =>
    data({ errors, values }, { status, headers });
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
      submissionKey: form.fields.submissionKey ?? "",
    });
    if (url) return redirect(url);
  } catch (error) {
    return refusal(error, values);
  }

  if (!form.ok) return fail(form.errors, 400);
  const byEmail = await limitPledgesByEmail(context.db, context.config, form.data.email);
  if (!byEmail.allowed) return tooMany(byEmail.retryAfterSeconds);
  const hold = {
    tierId: form.data.tierId,
    email: form.data.email,
    ip: context.clientIp,
    submissionKey: form.data.submissionKey,
  };
  if (!(await mayHoldAnotherUnit(context.db, context.config, hold, now))) {
    return fail({ form: "limit.holds" }, 429);
  }

  try {
    const { url } = await beginCheckout(
      {
        db: context.db,
        gateway: context.gateway,
        publicUrl: context.config.PUBLIC_URL,
        secret: context.config.SESSION_SECRET,
      },
      {
        campaignId: options.campaign.id,
        tierId: form.data.tierId,
        amount: form.data.amount,
        backerName: form.data.name,
        backerEmail: form.data.email,
        comment: form.data.comment,
        anonymous: form.data.anonymous,
        locale,
        submissionKey: form.data.submissionKey,
        clientIp: context.clientIp,
        delivery: form.data.delivery,
      },
      {
        slug: options.campaign.slug,
        title: options.campaign.title,
        fundingModel: options.campaign.fundingModel,
      },
      now,
    );
    return redirect(url);
  } catch (error) {
    return refusal(error, values);
  }
}

/**
 * Every answer of the action reads the rewards again, a refused one too (with single fetch Remix
 * skips the loaders after a 4xx): a reward that sold out meanwhile then reads as sold out, not as
 * what was left when the page was opened.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod?.toUpperCase() === "POST" || defaultShouldRevalidate;

export const meta: MetaFunction<typeof loader> = ({ data: loaderData, matches }) => {
  if (!loaderData) return [];
  const t = matchesTranslator(matches);
  return [
    { title: `${t("pledge.title", { title: loaderData.options.campaign.title })} — ${t("site.name")}` },
    { name: "description", content: t("pledge.description", { title: loaderData.options.campaign.title }) },
  ];
};

export default function PledgeRoute() {
  const { options, defaults, deadlineText, canceled, soldOutTier, countries } =
    useLoaderData<typeof loader>();
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
        soldOutTier={soldOutTier}
        countries={countries}
      />
    </section>
  );
}
