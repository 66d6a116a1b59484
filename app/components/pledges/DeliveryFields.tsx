// Where a reward sent by post goes: by post to an address (labelled, with the autocomplete names
// browsers fill in) or, when the reward allows, picked up on site. Used by the pledge form and the
// backer's pledge page; each says how its inputs are wired (react-hook-form or a plain form).
import { FormField } from "~/components/FormField";
import { useTranslate } from "~/components/use-locale";
import type { DeliveryFormValues } from "~/pledges/pledge-form";

type Field = keyof DeliveryFormValues;

export function DeliveryFields({
  values,
  countries,
  inputProps,
  errorFor,
  pickupPlaces,
  showAddress,
  note,
  disabled = false,
}: {
  values: DeliveryFormValues;
  /**
   * The countries with their names, as the server's Intl names them: the browser's may differ (its
   * own ICU), which would make the page hydrate with other text.
   */
  countries: { code: string; name: string }[];
  /** The props that wire a field (its name, and react-hook-form's handlers when there is one). */
  inputProps: (field: Field) => Record<string, unknown>;
  errorFor: (field: Field) => string | null;
  /** Where the reward may be picked up instead of posted; none: by post only. */
  pickupPlaces: string[];
  /** false when the backer chose to pick it up (with JavaScript the address then hides). */
  showAddress: boolean;
  /** A sentence under the legend (without JavaScript: for which rewards this is). */
  note?: string | null;
  disabled?: boolean;
}) {
  const t = useTranslate();
  const text = (field: Field, label: string, autoComplete: string, extra: Record<string, unknown> = {}) => (
    <FormField id={field} label={label} error={errorFor(field)}>
      {(aria) => (
        <input
          {...aria}
          {...inputProps(field)}
          defaultValue={values[field]}
          autoComplete={autoComplete}
          disabled={disabled}
          {...extra}
        />
      )}
    </FormField>
  );
  return (
    <fieldset className="delivery" aria-describedby={note ? "delivery-note" : undefined}>
      <legend>{t("pledge.delivery.legend")}</legend>
      {note ? (
        <p id="delivery-note" className="field__hint">
          {note}
        </p>
      ) : null}
      {pickupPlaces.length > 0 ? (
        <fieldset
          className="delivery__method"
          aria-describedby={errorFor("delivery") ? "delivery-error" : undefined}
        >
          <legend>{t("pledge.delivery.method")}</legend>
          <label className="checkbox">
            <input
              type="radio"
              id="delivery"
              value="post"
              {...inputProps("delivery")}
              defaultChecked={values.delivery !== "pickup"}
              disabled={disabled}
            />
            {t("pledge.delivery.post")}
          </label>
          <label className="checkbox">
            <input
              type="radio"
              value="pickup"
              {...inputProps("delivery")}
              defaultChecked={values.delivery === "pickup"}
              disabled={disabled}
            />
            {t("pledge.delivery.pickup", { place: pickupPlaces.join(" / ") })}
          </label>
          {errorFor("delivery") ? (
            <p id="delivery-error" className="field__error">
              {errorFor("delivery")}
            </p>
          ) : null}
        </fieldset>
      ) : null}
      {showAddress ? (
        <>
          {text("shipName", t("pledge.ship.name"), "shipping name", { maxLength: 100 })}
          {text("shipLine1", t("pledge.ship.line1"), "shipping address-line1", { maxLength: 120 })}
          {text("shipLine2", t("pledge.ship.line2"), "shipping address-line2", { maxLength: 120 })}
          {text("shipPostalCode", t("pledge.ship.postalCode"), "shipping postal-code", { maxLength: 12 })}
          {text("shipCity", t("pledge.ship.city"), "shipping address-level2", { maxLength: 80 })}
          <FormField id="shipCountry" label={t("pledge.ship.country")} error={errorFor("shipCountry")}>
            {(aria) => (
              <select
                {...aria}
                {...inputProps("shipCountry")}
                defaultValue={values.shipCountry}
                autoComplete="shipping country"
                disabled={disabled}
              >
                <option value="">—</option>
                {countries.map((country) => (
                  <option key={country.code} value={country.code}>
                    {country.name}
                  </option>
                ))}
              </select>
            )}
          </FormField>
        </>
      ) : null}
    </fieldset>
  );
}
