// An admin's decisions on a campaign: approve it (now or at a chosen moment) or send it back with
// a message while it is in review; cancel it while it has not closed. A refused decision comes back
// with a summary above its form, its message on its field and what was typed kept.
import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import type { ReviewRefusal } from "~/campaigns/review-decision.server";
import { ConfirmField } from "~/components/ConfirmField";
import { CsrfField } from "~/components/CsrfField";
import { FormErrorSummary, useFocusFirstError } from "~/components/ErrorSummary";
import { FormField } from "~/components/FormField";
import { useTranslate } from "~/components/use-locale";
import { zoneCity } from "~/lib/time";

/** The id each decision's fields take, for its summary's links. */
const fieldIds: Record<string, string> = {
  launchAt: "review-launch-at",
  message: "review-message",
};

export function ReviewActions({
  status,
  timeZone,
  result,
  action,
}: {
  status: string;
  /** The campaign's zone: the moment typed is read in it. */
  timeZone: string;
  /** The refusal of the last decision posted, if any. */
  result: ReviewRefusal | null;
  /** Where the decisions are posted, when not to this page. */
  action?: string;
}) {
  const t = useTranslate();
  const of = (intent: ReviewRefusal["intent"]) => (result?.intent === intent ? result : null);
  return (
    <>
      {status === "in_review" ? (
        <div className="change-form">
          <Decision intent="approve" action={action} result={of("approve")} button={t("review.approve")}>
            {(error) => (
              <>
                <FormField
                  id={fieldIds.launchAt!}
                  label={t("review.launchAt", { city: zoneCity(timeZone) })}
                  error={error("launchAt")}
                >
                  {(aria) => (
                    <input
                      {...aria}
                      type="datetime-local"
                      name="launchAt"
                      defaultValue={of("approve")?.values.launchAt ?? ""}
                    />
                  )}
                </FormField>
                <ConfirmField label={t("confirm.approve")} />
              </>
            )}
          </Decision>
          <Decision intent="send-back" action={action} result={of("send-back")} button={t("review.sendBack")}>
            {(error) => (
              <FormField id={fieldIds.message!} label={t("review.message")} error={error("message")}>
                {(aria) => (
                  <textarea
                    {...aria}
                    name="message"
                    rows={3}
                    defaultValue={of("send-back")?.values.message ?? ""}
                  />
                )}
              </FormField>
            )}
          </Decision>
        </div>
      ) : null}
      {["draft", "in_review", "live"].includes(status) ? (
        <Decision
          intent="cancel-campaign"
          action={action}
          result={of("cancel-campaign")}
          button={t("admin.cancel")}
          danger
        >
          {() => (
            <>
              <p>{t("admin.cancelHint")}</p>
              <ConfirmField label={t("confirm.cancelCampaign")} />
            </>
          )}
        </Decision>
      ) : null}
    </>
  );
}

/** One decision's form: its summary when refused, its fields, its message for the whole form, its button. */
function Decision({
  intent,
  action,
  result,
  button,
  danger = false,
  children,
}: {
  intent: ReviewRefusal["intent"];
  action?: string;
  result: ReviewRefusal | null;
  button: string;
  danger?: boolean;
  children: (error: (field: string) => string | null) => ReactNode;
}) {
  const t = useTranslate();
  const errors = result?.errors ?? {};
  const error = (field: string) => (errors[field] ? t(errors[field]) : null);
  const summary = Object.entries(errors).map(([field, message]) => ({
    field: fieldIds[field] ?? `review-${intent}-button`,
    message: t(message),
  }));
  const form = useFocusFirstError(
    result,
    Object.keys(errors).map((field) => fieldIds[field] ?? `review-${intent}-button`),
  );
  return (
    <Form
      ref={form}
      method="post"
      action={action}
      className={danger ? "notice notice--error" : "inline-form"}
    >
      <FormErrorSummary errors={summary} />
      <CsrfField />
      <input type="hidden" name="intent" value={intent} />
      {children(error)}
      {error("form") ? (
        <p className="field__error" id={`review-${intent}-error`}>
          {error("form")}
        </p>
      ) : null}
      <button
        type="submit"
        id={`review-${intent}-button`}
        className={`button ${danger ? "button--danger" : intent === "approve" ? "button--primary" : ""}`}
        aria-describedby={error("form") ? `review-${intent}-error` : undefined}
      >
        {button}
      </button>
    </Form>
  );
}
