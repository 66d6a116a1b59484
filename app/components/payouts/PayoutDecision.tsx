// The payouts made for a campaign, each approved one with the admin's decisions on it: record the
// bank transfer as paid (with its reference) or the payout as failed (with the reason). A refused
// form lists its error at its top, linked to the field, which takes the focus with JavaScript.
import { Form } from "@remix-run/react";
import { FormErrorSummary, useFocusFirstError } from "~/components/ErrorSummary";
import { CsrfField } from "~/components/CsrfField";
import { FormField } from "~/components/FormField";
import { PayoutHistory } from "~/components/PayoutHistory";
import type { PayoutRow } from "~/payouts/views.server";
import { useTranslate } from "~/components/use-locale";
import type { FieldErrors } from "~/lib/form-errors";
import type { MessageKey } from "~/i18n/keys";

export type ActionResult = { errors: FieldErrors; values: Record<string, string>; error: MessageKey | null };

/** Recording a bank payment (with its reference) or a failure (with its reason) for one payout. */
export function PayoutDecision(props: {
  payoutId: string;
  intent: "mark-paid" | "mark-failed";
  field: "reference" | "reason";
  label: string;
  button: string;
  result: ActionResult | undefined;
  danger?: boolean;
}) {
  const t = useTranslate();
  // What this payout's form was sent with, when the answer is about it.
  const sent =
    props.result?.values.payoutId === props.payoutId && props.result.values.intent === props.intent;
  const key = sent ? props.result?.errors[props.field] : undefined;
  const error = key ? t(key) : null;
  const id = `${props.field}-${props.payoutId}`;
  const form = useFocusFirstError(sent ? props.result : undefined, error ? [id] : []);
  return (
    <Form method="post" className="inline-form" noValidate ref={form}>
      <FormErrorSummary errors={error ? [{ field: id, message: error }] : []} />
      <CsrfField />
      <input type="hidden" name="intent" value={props.intent} />
      <input type="hidden" name="payoutId" value={props.payoutId} />
      <FormField id={id} label={props.label} error={error}>
        {(aria) => (
          <input {...aria} name={props.field} defaultValue={sent ? props.result?.values[props.field] : ""} />
        )}
      </FormField>
      <button type="submit" className={props.danger ? "button button--danger" : "button"}>
        {props.button}
      </button>
    </Form>
  );
}

/** The campaign's payouts, with a decision's forms beside each approved one. */
export function DecidablePayoutHistory({
  payouts,
  currency,
  result,
}: {
  payouts: PayoutRow[];
  currency: string;
  result: ActionResult | undefined;
}) {
  const t = useTranslate();
  return (
    <PayoutHistory
      payouts={payouts}
      currency={currency}
      admin={{
        actions: (p) =>
          p.status === "approved" ? (
            <>
              {p.method === "bank" ? (
                <PayoutDecision
                  payoutId={p.id}
                  intent="mark-paid"
                  field="reference"
                  label={t("payouts.reference")}
                  button={t("payouts.markPaid")}
                  result={result}
                />
              ) : null}
              <PayoutDecision
                payoutId={p.id}
                intent="mark-failed"
                field="reason"
                label={t("admin.refundReason")}
                button={t("payouts.markFailed")}
                result={result}
                danger
              />
            </>
          ) : null,
      }}
    />
  );
}
