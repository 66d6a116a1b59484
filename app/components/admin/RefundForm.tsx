// The refund form of one collected pledge on the campaign's follow-up page. Refused, it comes back
// with what was typed, the summary of its error at its top (linking to the field concerned: the
// reason, else the amount) and the error at that field; with JavaScript that field takes the focus.
import { Form } from "@remix-run/react";
import { ConfirmField } from "~/components/ConfirmField";
import { CsrfField } from "~/components/CsrfField";
import { FormErrorSummary, useFocusFirstError } from "~/components/ErrorSummary";
import { useTranslate } from "~/components/use-locale";
import type { MessageKey } from "~/i18n/keys";

export interface RefundResult {
  pledgeId: string | null;
  error: MessageKey;
  /** The field the refusal is about ("amount", "reason"; "form" or none for the refund itself). */
  field?: string;
  values?: Record<string, string | undefined>;
  params?: Record<string, string>;
}

export function RefundForm({ pledgeId, result }: { pledgeId: string; result: RefundResult | undefined }) {
  const t = useTranslate();
  const mine = result?.pledgeId === pledgeId && result.error ? result : undefined;
  const typed = mine?.values;
  const wrong = mine ? (mine.field === "reason" ? "reason" : "amount") : null;
  const id = (field: "amount" | "reason") => `refund-${pledgeId}-${field}`;
  const message = mine ? t(mine.error, mine.params ?? {}) : null;
  const form = useFocusFirstError(mine, wrong ? [id(wrong)] : []);
  const aria = (field: "amount" | "reason") =>
    wrong === field ? { "aria-invalid": true, "aria-describedby": `${id(field)}-error` } : {};
  const error = (field: "amount" | "reason") =>
    wrong === field ? (
      <span id={`${id(field)}-error`} className="field__error">
        {message}
      </span>
    ) : null;
  return (
    <Form method="post" className="inline-form" ref={form}>
      <FormErrorSummary errors={wrong && message ? [{ field: id(wrong), message }] : []} />
      <CsrfField />
      <input type="hidden" name="pledgeId" value={pledgeId} />
      <label htmlFor={id("amount")}>{t("admin.refundAmount")}</label>{" "}
      <input
        id={id("amount")}
        name="amount"
        size={8}
        inputMode="decimal"
        defaultValue={typed?.amount}
        {...aria("amount")}
      />
      {error("amount")}
      <label htmlFor={id("reason")}>{t("admin.refundReason")}</label>{" "}
      <input id={id("reason")} name="reason" size={16} defaultValue={typed?.reason} {...aria("reason")} />
      {error("reason")}
      <ConfirmField label={t("confirm.refund")} />
      <button type="submit" className="button">
        {t("admin.refund")}
      </button>
    </Form>
  );
}
