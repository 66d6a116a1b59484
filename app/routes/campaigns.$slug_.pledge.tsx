// The pledge form: pick a reward (or none), an amount, who you are; then off to the payment page.
// Works as a plain form post; with JavaScript, react-hook-form checks fields as they are filled.
import { randomUUID } from "node:crypto";
import { zodResolver } from "@hookform/resolvers/zod";
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useMemo } from "react";
import { useForm, useWatch } from "react-hook-form";
import {
  limitPledgePostsByIp,
  limitPledgesByEmail,
  mayHoldAnotherUnit,
  recordPledgeOrigin,
} from "~/auth/rate-limit.server";
import { ErrorSummary, FormField } from "~/components/FormField";
import { beginCheckout, repeatedCheckout } from "~/checkout/checkout.server";
import {
  amountMessageParams,
  pledgeFormSchema,
  type PledgeFormErrors,
  type PledgeFormValues,
} from "~/pledges/pledge-form";
import { getPledgeOptions } from "~/pledges/pledge-options.server";
import { minimumPledge } from "~/lib/currencies";
import { parseForm, refusal } from "~/lib/forms.server";
import { intlLocale } from "~/i18n/catalogue.server";
import type { MessageKey } from "~/i18n/keys";
import { matchesTranslator, useIntlLocale, useTranslate } from "~/components/use-locale";
import { ambiguousAmountParams, formatMoney, parseMoney, toInputAmount } from "~/lib/money";
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
    const { pledge, url } = await beginCheckout(
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
    return refusal(error, values);
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
  const locale = useIntlLocale();
  const navigation = useNavigation();
  const submit = useSubmit();
  const { campaign, tiers } = options;

  const schema = useMemo(
    () =>
      pledgeFormSchema({ currency: campaign.currency, locale, fundingModel: campaign.fundingModel, tiers }),
    [campaign.currency, campaign.fundingModel, locale, tiers],
  );
  // What the person typed comes back with the errors; the server renders it without JavaScript too.
  const initial: PledgeFormValues = actionData?.values ?? defaults;
  const serverErrors = actionData?.errors ?? {};
  const {
    register,
    handleSubmit,
    control,
    setValue,
    getValues,
    formState: { errors: clientErrors },
  } = useForm<PledgeFormValues>({
    resolver: zodResolver(schema as never),
    defaultValues: initial,
    mode: "onTouched",
  });

  const selectedTierId = useWatch({ control, name: "tierId" });
  const selectedTier = tiers.find((tier) => tier.id === selectedTierId);
  const minimum = selectedTier?.minAmount ?? minimumPledge(campaign.currency);
  const minText = formatMoney(minimum, campaign.currency, locale);
  const errorFor = (field: keyof PledgeFormErrors): string | null => {
    const key =
      (clientErrors[field as keyof PledgeFormValues]?.message as MessageKey | undefined) ??
      serverErrors[field];
    // An ambiguous amount shows both readings of what was typed.
    return key
      ? t(key, {
          min: minText,
          ...amountMessageParams(campaign.currency, locale),
          ...ambiguousAmountParams(getValues("amount") ?? "", campaign.currency, locale),
        })
      : null;
  };
  const summary = (Object.keys(serverErrors) as (keyof PledgeFormErrors)[])
    .filter((field) => field !== "form")
    .map((field) => ({ field, message: errorFor(field) ?? "" }));
  const tierRegistration = register("tierId", {
    onChange: (event: { target: { value: string } }) => {
      // Picking a dearer reward raises the amount to its minimum; a generous amount is kept.
      const tier = tiers.find((x) => x.id === event.target.value);
      const current = parseMoney(getValues("amount"), campaign.currency, locale);
      const tierMin = tier?.minAmount ?? minimumPledge(campaign.currency);
      if (!current.ok || current.amount < tierMin) {
        setValue("amount", toInputAmount(tierMin, campaign.currency, locale));
      }
    },
  });

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
      <ErrorSummary title={t("pledge.errorSummary", { count: summary.length })} errors={summary} />

      <Form
        method="post"
        noValidate
        className="pledge-form"
        onSubmit={(event) => {
          const formElement = event.currentTarget;
          void handleSubmit(() => submit(formElement))(event);
        }}
      >
        <input type="hidden" {...register("submissionKey")} defaultValue={initial.submissionKey} />
        <fieldset className="tier-choice" aria-describedby={errorFor("tierId") ? "tierId-error" : undefined}>
          <legend>{t("pledge.chooseTier")}</legend>
          <label className="tier-option">
            <input
              type="radio"
              value=""
              id="tierId"
              {...tierRegistration}
              defaultChecked={initial.tierId === ""}
            />
            <span>
              <strong>{t("pledge.noReward")}</strong>
              <span className="tier-option__text">{t("pledge.noRewardText")}</span>
            </span>
          </label>
          {tiers.map((tier) => (
            <label key={tier.id} className={`tier-option${tier.soldOut ? " tier-option--sold-out" : ""}`}>
              <input
                type="radio"
                value={tier.id}
                disabled={tier.soldOut}
                {...tierRegistration}
                defaultChecked={initial.tierId === tier.id}
              />
              <span>
                <strong>{tier.title}</strong> —{" "}
                {t("tiers.minimum", { amount: formatMoney(tier.minAmount, campaign.currency, locale) })}
                <span className="tier-option__text">{tier.description}</span>
                <span className="tier-option__stock">
                  {tier.soldOut
                    ? t("tiers.soldOut")
                    : tier.remaining !== null
                      ? t("tiers.remaining", {
                          count: tier.remaining,
                          limit: tier.stockLimit ?? tier.remaining,
                        })
                      : null}
                </span>
              </span>
            </label>
          ))}
          {errorFor("tierId") ? (
            <p id="tierId-error" className="field__error">
              {errorFor("tierId")}
            </p>
          ) : null}
        </fieldset>

        <FormField
          id="amount"
          label={t("pledge.amount")}
          hint={t("pledge.amountHint", { min: minText })}
          error={errorFor("amount")}
        >
          {(aria) => (
            <div className="amount-input">
              <input
                {...aria}
                {...register("amount")}
                defaultValue={initial.amount}
                inputMode="decimal"
                autoComplete="off"
              />
              <span className="amount-input__currency">
                {campaign.currency === "EUR" ? "€" : campaign.currency}
              </span>
            </div>
          )}
        </FormField>

        <fieldset>
          <legend>{t("pledge.you")}</legend>
          <FormField id="name" label={t("pledge.name")} error={errorFor("name")}>
            {(aria) => (
              <input {...aria} {...register("name")} defaultValue={initial.name} autoComplete="name" />
            )}
          </FormField>
          <FormField
            id="email"
            label={t("pledge.email")}
            hint={t("pledge.emailHint")}
            error={errorFor("email")}
          >
            {(aria) => (
              <input
                {...aria}
                {...register("email")}
                defaultValue={initial.email}
                type="email"
                autoComplete="email"
              />
            )}
          </FormField>
          <FormField id="comment" label={t("pledge.comment")} error={errorFor("comment")}>
            {(aria) => (
              <textarea
                {...aria}
                {...register("comment")}
                defaultValue={initial.comment}
                rows={3}
                maxLength={500}
              />
            )}
          </FormField>
          <label className="checkbox">
            <input type="checkbox" {...register("anonymous")} defaultChecked={Boolean(initial.anonymous)} />
            {t("pledge.anonymous")}
          </label>
        </fieldset>

        {campaign.fundingModel === "all_or_nothing" ? (
          <div className={`field${errorFor("consent") ? " field--invalid" : ""}`}>
            <label className="checkbox">
              <input
                type="checkbox"
                id="consent"
                aria-invalid={Boolean(errorFor("consent"))}
                aria-describedby={errorFor("consent") ? "consent-error" : undefined}
                {...register("consent")}
                defaultChecked={Boolean(initial.consent)}
              />
              {t("pledge.consent", { deadline: deadlineText })}
            </label>
            {errorFor("consent") ? (
              <p id="consent-error" className="field__error">
                {errorFor("consent")}
              </p>
            ) : null}
          </div>
        ) : (
          <p className="notice">{t("pledge.flexibleNote")}</p>
        )}

        <button
          type="submit"
          className="button button--primary button--large"
          disabled={navigation.state === "submitting"}
        >
          {t("pledge.submit")}
        </button>
      </Form>
    </section>
  );
}
