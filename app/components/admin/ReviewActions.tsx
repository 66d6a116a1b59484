// An admin's decisions on a campaign: approve it (now or at a chosen moment) or send it back with
// a message while it is in review; cancel it while it has not closed.
import { Form } from "@remix-run/react";
import { CsrfField } from "~/components/CsrfField";
import { useTranslate } from "~/components/use-locale";
import type { MessageKey } from "~/i18n/keys";
import { zoneCity } from "~/lib/time";
import { ConfirmField } from "~/components/ConfirmField";

export function ReviewActions({
  status,
  timeZone,
  error,
  action,
}: {
  status: string;
  /** The campaign's zone: the moment typed is read in it. */
  timeZone: string;
  error: MessageKey | null;
  /** Where the decisions are posted, when not to this page (the review page posts to the admin page). */
  action?: string;
}) {
  const t = useTranslate();
  return (
    <>
      {status === "in_review" ? (
        <div className="change-form">
          <Form method="post" action={action} className="inline-form">
            <CsrfField />
            <input type="hidden" name="intent" value="approve" />
            <label>
              {t("review.launchAt", { city: zoneCity(timeZone) })}{" "}
              <input type="datetime-local" name="launchAt" />
            </label>
            <ConfirmField label={t("confirm.approve")} />
            <button type="submit" className="button button--primary">
              {t("review.approve")}
            </button>
          </Form>
          <Form method="post" action={action} className="inline-form">
            <CsrfField />
            <input type="hidden" name="intent" value="send-back" />
            <label>
              {t("review.message")} <input name="message" size={40} />
            </label>
            <button type="submit" className="button">
              {t("review.sendBack")}
            </button>
          </Form>
          {error ? (
            <p className="field__error" role="alert">
              {t(error)}
            </p>
          ) : null}
        </div>
      ) : null}
      {["draft", "in_review", "live"].includes(status) ? (
        <Form method="post" action={action} className="notice notice--error">
          <CsrfField />
          <p>{t("admin.cancelHint")}</p>
          <ConfirmField label={t("confirm.cancelCampaign")} />
          <button type="submit" name="intent" value="cancel-campaign" className="button button--danger">
            {t("admin.cancel")}
          </button>
        </Form>
      ) : null}
    </>
  );
}
