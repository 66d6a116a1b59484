// The platform fee of one campaign, which an admin may override: a percentage, or empty for the
// platform's rate (shown in the hint). Refused, the summary at its top links to the field; with
// JavaScript the field takes the focus.
import { Form } from "@remix-run/react";
import { FormErrorSummary, useFocusFirstError } from "~/components/ErrorSummary";
import { CsrfField } from "~/components/CsrfField";
import { FormField } from "~/components/FormField";
import { useIntlLocale, useTranslate } from "~/components/use-locale";
import type { ActionResult } from "./PayoutDecision";

export function FeeForm({
  defaultFeeBps,
  feeOverride,
  result,
}: {
  defaultFeeBps: number;
  feeOverride: number | null;
  result: ActionResult | undefined;
}) {
  const t = useTranslate();
  const locale = useIntlLocale();
  const error = result?.errors.rate ? t(result.errors.rate) : null;
  const form = useFocusFirstError(result, error ? ["rate"] : []);
  return (
    <>
      <h2 id="fee-title">{t("payouts.fee")}</h2>
      <Form method="post" className="inline-form" aria-labelledby="fee-title" noValidate ref={form}>
        <FormErrorSummary errors={error ? [{ field: "rate", message: error }] : []} />
        <CsrfField />
        <input type="hidden" name="intent" value="fee" />
        <FormField
          id="rate"
          label={t("payouts.feeRate")}
          hint={t("payouts.feeHint", { rate: (defaultFeeBps / 100).toLocaleString(locale) })}
          error={error}
        >
          {(aria) => (
            <input
              {...aria}
              name="rate"
              inputMode="decimal"
              defaultValue={
                result?.values.intent === "fee"
                  ? result.values.rate
                  : feeOverride === null
                    ? ""
                    : (feeOverride / 100).toLocaleString(locale)
              }
            />
          )}
        </FormField>
        <button type="submit" className="button">
          {t("payouts.feeSave")}
        </button>
      </Form>
    </>
  );
}
