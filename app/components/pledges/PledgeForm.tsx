// The pledge form itself: a reward (or none), an amount, who you are, and for all-or-nothing the
// consent to be charged at the deadline. A plain form post; with JavaScript, react-hook-form checks
// each field with the server's own schema as soon as it is left.
import { zodResolver } from "@hookform/resolvers/zod";
import { Form, useNavigation, useSubmit } from "@remix-run/react";
import { useMemo } from "react";
import { useForm, useWatch } from "react-hook-form";
import { ErrorSummary, focusFirstInvalid, useFocusFirstError, useHydrated } from "~/components/ErrorSummary";
import { FormField } from "~/components/FormField";
import { DeliveryFields } from "~/components/pledges/DeliveryFields";
import { ShippingTotal, ZoneCosts } from "~/components/pledges/ShippingCosts";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import type { MessageKey } from "~/i18n/keys";
import { minimumPledge } from "~/lib/currencies";
import { ambiguousAmountParams, formatMoney, parseMoney, toInputAmount } from "~/lib/money";
import {
  amountMessageParams,
  pledgeFormSchema,
  type PledgeFormErrors,
  type PledgeFormValues,
} from "~/pledges/pledge-form";
import type { PledgeOptions } from "~/pledges/pledge-options.server";

/** The form's fields in the page's order: the summary lists them so, the first wrong one takes the focus. */
const fieldOrder = [
  "tierId",
  "amount",
  "name",
  "email",
  "comment",
  "delivery",
  "shipName",
  "shipLine1",
  "shipLine2",
  "shipPostalCode",
  "shipCity",
  "shipCountry",
  "consent",
] as const;

export function PledgeForm({
  campaign,
  tiers,
  initial,
  serverErrors,
  deadlineText,
  soldOutTier = null,
  countries,
}: {
  /** The countries an address may be in, named by the server. */
  countries: { code: string; name: string }[];
  campaign: PledgeOptions["campaign"];
  tiers: PledgeOptions["tiers"];
  /** The defaults, or what was typed when the form comes back refused. */
  initial: PledgeFormValues;
  serverErrors: PledgeFormErrors;
  /** When an all-or-nothing campaign charges, in its time zone. */
  deadlineText: string;
  /** The title of the sold-out reward a `?tier=` link asked for, if so: the form says it is gone. */
  soldOutTier?: string | null;
}) {
  const t = useTranslate();
  const locale = useIntlLocale();
  const navigation = useNavigation();
  const submit = useSubmit();
  const schema = useMemo(
    () =>
      pledgeFormSchema({ currency: campaign.currency, locale, fundingModel: campaign.fundingModel, tiers }),
    [campaign.currency, campaign.fundingModel, locale, tiers],
  );
  const {
    register,
    handleSubmit,
    control,
    setValue,
    getValues,
    formState: { errors: clientErrors, submitCount },
  } = useForm<PledgeFormValues>({
    resolver: zodResolver(schema as never),
    defaultValues: initial,
    mode: "onTouched",
    // The first wrong field in the page's order takes the focus (focusFirstInvalid), not RHF's pick.
    shouldFocusError: false,
  });
  // The server's answer with errors (sent with JavaScript): its first wrong field takes the focus.
  const formRef = useFocusFirstError(
    serverErrors,
    Object.keys(serverErrors).filter((field) => field !== "form"),
  );

  const selectedTierId = useWatch({ control, name: "tierId" });
  const selectedTier = tiers.find((tier) => tier.id === selectedTierId);
  const delivery = useWatch({ control, name: "delivery" });
  const shipCountry = useWatch({ control, name: "shipCountry" });
  const typedAmount = parseMoney(useWatch({ control, name: "amount" }) ?? "", campaign.currency, locale);
  // Without JavaScript the address is always there (the server ignores it for other rewards); once
  // the page runs, only for a reward sent by post, and not when the backer picks it up.
  const hydrated = useHydrated();
  const pickupPlaces = hydrated
    ? selectedTier?.shippingRequired && selectedTier.pickupPlace
      ? [selectedTier.pickupPlace]
      : []
    : [
        ...new Set(
          tiers.flatMap((tier) => (tier.shippingRequired && tier.pickupPlace ? [tier.pickupPlace] : [])),
        ),
      ];
  const showDelivery = !hydrated || Boolean(selectedTier?.shippingRequired);
  const showAddress = !hydrated || pickupPlaces.length === 0 || delivery !== "pickup";
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
  // What to fix, in the page's order: the server's answer, or the browser's check once the form was sent.
  const hasServerErrors = Object.keys(serverErrors).some((field) => field !== "form");
  const summary =
    hasServerErrors || submitCount > 0
      ? [
          ...fieldOrder,
          // A field the page does not show (the form's key, say) is still listed, last.
          ...(Object.keys(serverErrors) as (keyof PledgeFormErrors)[]).filter(
            (field) => field !== "form" && !(fieldOrder as readonly string[]).includes(field),
          ),
        ].flatMap((field) => {
          const message = errorFor(field);
          return message ? [{ field, message }] : [];
        })
      : [];
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

  return (
    <>
      <ErrorSummary
        title={t("pledge.errorSummary", { count: summary.length })}
        errors={summary}
        takeFocus={false}
      />
      <Form
        ref={formRef}
        method="post"
        noValidate
        className="pledge-form"
        onSubmit={(event) => {
          const formElement = event.currentTarget;
          void handleSubmit(
            () => submit(formElement),
            (errors) => focusFirstInvalid(formElement, Object.keys(errors)),
          )(event);
        }}
      >
        <input type="hidden" {...register("submissionKey")} defaultValue={initial.submissionKey} />
        {soldOutTier ? (
          <p className="notice" id="tier-sold-out" data-testid="tier-sold-out">
            {t("pledge.tierSoldOut", { title: soldOutTier })}
          </p>
        ) : null}
        <fieldset
          className="tier-choice"
          aria-describedby={
            [soldOutTier ? "tier-sold-out" : null, errorFor("tierId") ? "tierId-error" : null]
              .filter(Boolean)
              .join(" ") || undefined
          }
        >
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
                // Sold out: not to be chosen, unless it is the choice the form came back with (it
                // sold out meanwhile): kept, with its error, so that it never silently becomes none.
                disabled={tier.soldOut && initial.tierId !== tier.id}
                {...tierRegistration}
                defaultChecked={initial.tierId === tier.id}
              />
              <span>
                <strong>{tier.title}</strong> —{" "}
                {t("tiers.minimum", { amount: formatMoney(tier.minAmount, campaign.currency, locale) })}
                <span className="tier-option__text">{tier.description}</span>
                {tier.shippingRequired ? (
                  <span className="tier-option__stock">
                    {t("tiers.shipping")}
                    {tier.pickupPlace ? ` · ${t("tiers.pickup", { place: tier.pickupPlace })}` : null}
                  </span>
                ) : null}
                {tier.shippingRequired ? (
                  <ZoneCosts costs={tier} currency={campaign.currency} locale={locale} />
                ) : null}
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

        {showDelivery ? (
          <DeliveryFields
            values={initial}
            countries={countries}
            inputProps={(field) => register(field)}
            errorFor={errorFor}
            pickupPlaces={pickupPlaces}
            showAddress={showAddress}
            note={hydrated ? null : t("pledge.delivery.noJsNote")}
          />
        ) : null}
        {hydrated && selectedTier?.shippingRequired && showAddress && delivery !== "pickup" ? (
          <ShippingTotal
            costs={selectedTier}
            country={shipCountry}
            amount={typedAmount.ok ? typedAmount.amount : null}
            currency={campaign.currency}
            locale={locale}
          />
        ) : null}

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
    </>
  );
}
