// The simulated checkout's payment forms: a test card (Stripe's numbers) and, for euros, a test
// IBAN with the SEPA mandate text. Each keeps what was typed and shows each field's error.
import { Form, useNavigation } from "@remix-run/react";
import type { FundingModel } from "#db/schema.ts";
import { FormField } from "~/components/FormField";
import { useTranslate } from "~/components/use-locale";
import type { MessageKey } from "~/i18n/keys";

export type CheckoutErrors = Partial<
  Record<"cardNumber" | "expiry" | "cvc" | "accountHolder" | "iban" | "form", MessageKey>
>;

interface FormProps {
  fundingModel: FundingModel;
  /** The amount as the pay button says it. */
  amountText: string;
  errors: CheckoutErrors;
  values: Partial<Record<"cardNumber" | "expiry" | "cvc" | "accountHolder" | "iban", string>> | undefined;
}

/** `labelled`: with a heading of its own, when the IBAN form is beside it. */
export function CardForm({
  fundingModel,
  amountText,
  errors,
  values,
  labelled,
}: FormProps & { labelled: boolean }) {
  const t = useTranslate();
  const navigation = useNavigation();
  return (
    <>
      {labelled ? <h2 id="method-card">{t("checkout.method.card")}</h2> : null}
      <Form
        method="post"
        className="card-form"
        noValidate
        aria-labelledby={labelled ? "method-card" : undefined}
      >
        <FormField
          id="cardNumber"
          label={t("checkout.cardNumber")}
          error={errors.cardNumber ? t(errors.cardNumber) : null}
        >
          {(aria) => (
            <input
              {...aria}
              name="cardNumber"
              inputMode="numeric"
              autoComplete="cc-number"
              defaultValue={values?.cardNumber ?? ""}
              placeholder="4242 4242 4242 4242"
            />
          )}
        </FormField>
        <div className="card-form__row">
          <FormField id="expiry" label={t("checkout.expiry")} error={errors.expiry ? t(errors.expiry) : null}>
            {(aria) => (
              <input
                {...aria}
                name="expiry"
                autoComplete="cc-exp"
                defaultValue={values?.expiry ?? ""}
                placeholder="12/30"
              />
            )}
          </FormField>
          <FormField id="cvc" label={t("checkout.cvc")} error={errors.cvc ? t(errors.cvc) : null}>
            {(aria) => (
              <input
                {...aria}
                name="cvc"
                inputMode="numeric"
                autoComplete="cc-csc"
                defaultValue={values?.cvc ?? ""}
                placeholder="123"
              />
            )}
          </FormField>
        </div>
        <button
          type="submit"
          name="intent"
          value="pay"
          className="button button--primary button--large"
          disabled={navigation.state === "submitting"}
        >
          {fundingModel === "flexible"
            ? t("checkout.pay.flexible", { amount: amountText })
            : t("checkout.pay.all_or_nothing")}
        </button>
        <p className="checkout__hint">{t("checkout.testCards")}</p>
      </Form>
    </>
  );
}

export function SepaForm({ fundingModel, amountText, errors, values }: FormProps) {
  const t = useTranslate();
  const navigation = useNavigation();
  return (
    <>
      <h2 id="method-sepa">{t("checkout.method.sepa")}</h2>
      <p>{t(`checkout.intro.sepa.${fundingModel}`)}</p>
      <Form method="post" className="card-form" noValidate aria-labelledby="method-sepa">
        <FormField
          id="accountHolder"
          label={t("checkout.accountHolder")}
          error={errors.accountHolder ? t(errors.accountHolder) : null}
        >
          {(aria) => (
            <input
              {...aria}
              name="accountHolder"
              autoComplete="name"
              defaultValue={values?.accountHolder ?? ""}
            />
          )}
        </FormField>
        <FormField
          id="iban"
          label={t("checkout.iban")}
          hint={t("checkout.mandate")}
          error={errors.iban ? t(errors.iban) : null}
        >
          {(aria) => (
            <input
              {...aria}
              name="iban"
              autoComplete="off"
              spellCheck={false}
              defaultValue={values?.iban ?? ""}
              placeholder="AT61 1904 3002 3457 3201"
            />
          )}
        </FormField>
        <button
          type="submit"
          name="intent"
          value="sepa"
          className="button button--primary button--large"
          disabled={navigation.state === "submitting"}
        >
          {fundingModel === "flexible"
            ? t("checkout.pay.sepa.flexible", { amount: amountText })
            : t("checkout.pay.sepa.all_or_nothing")}
        </button>
        <p className="checkout__hint">{t("checkout.testIbans")}</p>
      </Form>
    </>
  );
}
