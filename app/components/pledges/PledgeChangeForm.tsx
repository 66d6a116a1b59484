// The form on a backer's pledge page that changes the reward or the amount while the campaign is
// open; what was typed comes back with each field's message (with the minimum it speaks of), listed
// in the summary at its top; with JavaScript the first wrong field takes the focus.
import { Form, useNavigation } from "@remix-run/react";
import { FormErrorSummary, summaryOf, useFocusFirstError } from "~/components/ErrorSummary";
import { FormField } from "~/components/FormField";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import type { MessageKey } from "~/i18n/keys";
import { minimumPledge } from "~/lib/currencies";
import { ambiguousAmountParams, formatMoney, toInputAmount } from "~/lib/money";
import { amountMessageParams } from "~/pledges/pledge-form";

export type ChangeErrors = Partial<Record<"tierId" | "amount" | "form", MessageKey>>;

export function PledgeChangeForm({
  pledge,
  tiers,
  token,
  errors,
  values,
}: {
  /** `amount` includes `shipping`: the form changes the contribution, the server adds the shipping. */
  pledge: { id: string; amount: number; shipping: number; currency: string; tierId: string | null };
  tiers: { id: string; title: string; minAmount: number; soldOut: boolean }[];
  token: string;
  errors: ChangeErrors;
  values: { tierId?: string; amount?: string } | null | undefined;
}) {
  const navigation = useNavigation();
  const t = useTranslate();
  const locale = useIntlLocale();
  const selectedTier = tiers.find((tier) => tier.id === (values?.tierId ?? pledge.tierId));
  const minText = formatMoney(
    selectedTier?.minAmount ?? minimumPledge(pledge.currency),
    pledge.currency,
    locale,
  );

  const tierError = errors.tierId ? t(errors.tierId) : null;
  const amountError = errors.amount
    ? t(errors.amount, {
        min: minText,
        ...amountMessageParams(pledge.currency, locale),
        ...ambiguousAmountParams(String(values?.amount ?? ""), pledge.currency, locale),
      })
    : null;
  const summary = summaryOf([
    ["tierId", tierError],
    ["amount", amountError],
  ]);
  const form = useFocusFirstError(
    errors,
    summary.map((e) => e.field),
  );

  return (
    <Form
      method="post"
      action={`/pledges/${pledge.id}?token=${token}`}
      className="change-form"
      noValidate
      ref={form}
    >
      <h2>{t("pledgePage.change")}</h2>
      <FormErrorSummary errors={summary} />
      <FormField id="tierId" label={t("pledge.chooseTier")} error={tierError}>
        {(aria) => (
          <select {...aria} name="tierId" defaultValue={values?.tierId ?? pledge.tierId ?? ""}>
            <option value="">{t("pledge.noReward")}</option>
            {tiers.map((tier) => (
              <option key={tier.id} value={tier.id} disabled={tier.soldOut && tier.id !== pledge.tierId}>
                {tier.title} —{" "}
                {t("tiers.minimum", { amount: formatMoney(tier.minAmount, pledge.currency, locale) })}
                {tier.soldOut && tier.id !== pledge.tierId ? ` (${t("tiers.soldOut")})` : ""}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField id="amount" label={t("pledge.amount")} error={amountError}>
        {(aria) => (
          <input
            {...aria}
            name="amount"
            inputMode="decimal"
            defaultValue={
              values?.amount ?? toInputAmount(pledge.amount - pledge.shipping, pledge.currency, locale)
            }
          />
        )}
      </FormField>
      <button
        type="submit"
        name="intent"
        value="change"
        className="button button--primary"
        disabled={navigation.state === "submitting"}
      >
        {t("pledgePage.save")}
      </button>
    </Form>
  );
}
