// A checkout completed at the payment service, but its news came after the pledge had expired and
// it could no longer count: why, and what became of the money.
import { Action, Paragraph, money, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface LateCheckoutRefusedProps {
  campaign: CampaignSnapshot;
  amount: number;
  /** Why it could not count. */
  reason: "campaign_closed" | "sold_out";
  /** What became of the payment: an authorisation cancelled, a payment refunded, or a saved card not kept. */
  payment: "released" | "refunded" | "card_not_kept";
}

const paymentKey = {
  released: "email.lateCheckout.released",
  refunded: "email.lateCheckout.refunded",
  card_not_kept: "email.lateCheckout.cardNotKept",
} as const;

export const lateCheckoutRefused = defineEmail<LateCheckoutRefusedProps>("transactional", (p, { locale }) => {
  const t = translator(locale);
  const amount = money(p.amount, p.campaign.currency, locale);
  const subject = t("email.lateCheckout.subject", { title: p.campaign.title });
  const open = p.reason === "sold_out";
  return {
    subject,
    preview: subject,
    body: (
      <>
        <Paragraph>
          {t(open ? "email.lateCheckout.soldOut" : "email.lateCheckout.closed", { amount })}
        </Paragraph>
        <Paragraph>{t(paymentKey[p.payment], { amount })}</Paragraph>
        {open ? <Paragraph>{t("email.lateCheckout.again")}</Paragraph> : null}
        <Action href={p.campaign.url}>{t("email.action.campaign")}</Action>
      </>
    ),
  };
});
