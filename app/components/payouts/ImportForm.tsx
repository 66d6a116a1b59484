// The import of Stripe's balance lines, on the admins' payouts page: one Stripe payout, or the lines
// of a span of days. Refused, it comes back with what was typed and the summary of its errors at its
// top, each linking to its field; with JavaScript the first wrong field takes the focus.
import { Form } from "@remix-run/react";
import { CsrfField } from "~/components/CsrfField";
import { FormErrorSummary, summaryOf, useFocusFirstError } from "~/components/ErrorSummary";
import { FormField } from "~/components/FormField";
import { useTranslate } from "~/components/use-locale";
import type { MessageKey } from "~/i18n/keys";
import type { FieldErrors } from "~/lib/form-errors";

export interface ImportResult {
  errors: FieldErrors;
  values: Record<string, string | undefined>;
  /** The import's own refusal (Stripe unreachable, say), about no one field. */
  error: MessageKey | null;
}

export function ImportForm({ result }: { result: ImportResult | undefined }) {
  const t = useTranslate();
  const errors: FieldErrors = result?.errors ?? {};
  const error = (field: "payout" | "from" | "to") => (errors[field] ? t(errors[field]) : null);
  const summary = summaryOf(
    (["payout", "from", "to"] as const).map((field) => [field, error(field)] as const),
  );
  const form = useFocusFirstError(
    result,
    summary.map((e) => e.field),
  );
  return (
    <>
      <Form method="post" aria-labelledby="import-title" noValidate ref={form}>
        <FormErrorSummary errors={summary} />
        <CsrfField />
        <FormField
          id="payout"
          label={t("payouts.stripePayout")}
          hint={t("payouts.stripePayoutHint")}
          error={error("payout")}
        >
          {(aria) => (
            <input {...aria} name="payout" defaultValue={result?.values.payout ?? ""} placeholder="po_…" />
          )}
        </FormField>
        <FormField id="from" label={t("payouts.from")} error={error("from")}>
          {(aria) => <input {...aria} type="date" name="from" defaultValue={result?.values.from ?? ""} />}
        </FormField>
        <FormField id="to" label={t("payouts.to")} error={error("to")}>
          {(aria) => <input {...aria} type="date" name="to" defaultValue={result?.values.to ?? ""} />}
        </FormField>
        <button type="submit" className="button button--primary">
          {t("payouts.importButton")}
        </button>
      </Form>
      {result?.error ? (
        <p className="field__error" role="alert">
          {t(result.error)}
        </p>
      ) : null}
    </>
  );
}
