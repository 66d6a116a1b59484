// A pledge's delivery on its page: the address form (post or pick-up) until the owner locks the
// addresses, then what was given and why it can no longer change. Refused, the form lists what to
// fix at its top; with JavaScript the first wrong field takes the focus.
import { Form } from "@remix-run/react";
import { FormErrorSummary, summaryOf, useFocusFirstError } from "~/components/ErrorSummary";
import type { getPledgeView } from "~/pledges/pledge-view.server";
import type { PledgeFormErrors } from "~/pledges/pledge-form";
import { DeliveryFields } from "~/components/pledges/DeliveryFields";
import { useTranslate } from "~/components/use-locale";

/** The delivery fields in the page's order (each field's id is its name). */
const deliveryOrder = [
  "delivery",
  "shipName",
  "shipLine1",
  "shipLine2",
  "shipPostalCode",
  "shipCity",
  "shipCountry",
];

type PledgeDeliveryView = NonNullable<NonNullable<Awaited<ReturnType<typeof getPledgeView>>>["delivery"]>;

/** The pledge's delivery: a form until the owner locks the addresses, then what was given, and why. */
export function DeliverySection({
  delivery,
  countries,
  countryName,
  action,
  errors,
  typed,
}: {
  delivery: PledgeDeliveryView;
  countries: { code: string; name: string }[];
  countryName: string;
  action: string;
  errors: PledgeFormErrors;
  typed: Record<string, string> | null;
}) {
  const t = useTranslate();
  const values = { ...delivery.values, ...typed };
  const errorFor = (field: string) => {
    const key = errors[field as keyof PledgeFormErrors];
    return key ? t(key) : null;
  };
  // A field the page does not list (one the form gained) still comes in the summary, last.
  const wrong = [
    ...deliveryOrder,
    ...Object.keys(errors).filter((f) => f !== "form" && !deliveryOrder.includes(f)),
  ];
  const summary = summaryOf(wrong.map((field) => [field, errorFor(field)] as const));
  const form = useFocusFirstError(
    errors,
    summary.map((e) => e.field),
  );
  if (!delivery.editable) {
    const v = delivery.values;
    return (
      <section aria-labelledby="delivery-title" className="delivery-summary">
        <h2 id="delivery-title">{t("pledgePage.address.title")}</h2>
        {delivery.method === "pickup" ? (
          <p>{t("pledgePage.address.pickup", { place: delivery.pickupPlace ?? "" })}</p>
        ) : (
          <address data-testid="delivery-address">
            {[v.shipName, v.shipLine1, v.shipLine2, `${v.shipPostalCode} ${v.shipCity}`.trim()]
              .filter(Boolean)
              .map((line) => (
                <span key={line}>
                  {line}
                  <br />
                </span>
              ))}
            {countryName}
          </address>
        )}
        {delivery.locked ? <p className="muted">{t("pledgePage.addressLocked")}</p> : null}
      </section>
    );
  }
  return (
    <Form
      method="post"
      action={action}
      className="change-form"
      noValidate
      aria-labelledby="delivery-title"
      ref={form}
    >
      <h2 id="delivery-title">{t("pledgePage.address.title")}</h2>
      <FormErrorSummary errors={summary} />
      {errors.form ? (
        <p className="notice notice--error" role="alert">
          {t(errors.form)}
        </p>
      ) : null}
      <DeliveryFields
        values={values}
        countries={countries}
        inputProps={(field) => ({ name: field })}
        errorFor={errorFor}
        pickupPlaces={delivery.pickupPlace ? [delivery.pickupPlace] : []}
        showAddress
      />
      <button type="submit" name="intent" value="address" className="button">
        {t("pledgePage.address.save")}
      </button>
    </Form>
  );
}
