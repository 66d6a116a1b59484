// The platform fee of one campaign, which an admin may override: a percentage, or empty for the
// platform's rate (shown in the hint).
import { Form } from "@remix-run/react";
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
  return (
    <>
      <h2 id="fee-title">{t("payouts.fee")}</h2>
      <Form method="post" className="inline-form" aria-labelledby="fee-title" noValidate>
        <CsrfField />
        <input type="hidden" name="intent" value="fee" />
        <FormField
          id="rate"
          label={t("payouts.feeRate")}
          hint={t("payouts.feeHint", { rate: (defaultFeeBps / 100).toLocaleString(locale) })}
          error={result?.errors.rate ? t(result.errors.rate) : null}
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
