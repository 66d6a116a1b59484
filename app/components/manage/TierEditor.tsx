// The editor's reward tiers: each one's form (save, move up or down, remove while unclaimed) and
// the form that adds one.
import { Form } from "@remix-run/react";
import { CsrfField } from "~/components/CsrfField";
import { MoveForm } from "./MoveForm";
import { FormField } from "~/components/FormField";
import { useTranslate } from "~/components/use-locale";
import type { FieldErrors } from "~/lib/form-errors";
import { useResetAfterSave, type EditorErrors } from "./editor-result";
import { ConfirmField } from "~/components/ConfirmField";
import { EditorForm } from "./EditorForm";

/** The reward form's fields in the page's order (its error summary lists them so). */
const tierFields = ["title", "description", "minimum", "limit", "delivery", "pickupPlace"];

export interface EditorTier {
  id: string;
  title: string;
  description: string;
  minimum: string;
  limit: string;
  claimed: number;
  delivery: string;
  shipping: boolean;
  pickup: boolean;
  pickupPlace: string;
  /** Each zone's shipping cost as typed ("" : not sent there). */
  shippingFr: string;
  shippingEu: string;
  shippingWorld: string;
}

const shippingZoneFields = [
  ["shippingFr", "editor.tier.shippingFr"],
  ["shippingEu", "editor.tier.shippingEu"],
  ["shippingWorld", "editor.tier.shippingWorld"],
] as const;

function TierFields({
  prefix,
  values,
  errors,
  err,
}: {
  prefix: string;
  values: Record<string, string | number | boolean | undefined>;
  errors: FieldErrors;
  err: EditorErrors["err"];
}) {
  const t = useTranslate();
  return (
    <>
      <FormField id={`${prefix}-title`} label={t("editor.tier.title")} error={err(errors, "title")}>
        {(aria) => <input {...aria} name="title" defaultValue={String(values.title ?? "")} />}
      </FormField>
      <FormField
        id={`${prefix}-description`}
        label={t("editor.tier.description")}
        error={err(errors, "description")}
      >
        {(aria) => (
          <textarea {...aria} name="description" rows={2} defaultValue={String(values.description ?? "")} />
        )}
      </FormField>
      <FormField id={`${prefix}-minimum`} label={t("editor.tier.minimum")} error={err(errors, "minimum")}>
        {(aria) => (
          <input {...aria} name="minimum" inputMode="decimal" defaultValue={String(values.minimum ?? "")} />
        )}
      </FormField>
      <FormField id={`${prefix}-limit`} label={t("editor.tier.limit")} error={err(errors, "limit")}>
        {(aria) => (
          <input {...aria} name="limit" inputMode="numeric" defaultValue={String(values.limit ?? "")} />
        )}
      </FormField>
      <FormField id={`${prefix}-delivery`} label={t("editor.tier.delivery")} error={err(errors, "delivery")}>
        {(aria) => (
          <input
            {...aria}
            name="delivery"
            placeholder="2027-03"
            defaultValue={String(values.delivery ?? "")}
          />
        )}
      </FormField>
      <label className="checkbox">
        <input
          type="checkbox"
          name="shipping"
          defaultChecked={values.shipping === true || values.shipping === "on"}
        />
        {t("editor.tier.shipping")}
      </label>
      {/* Shown only while "sent by post" is ticked, by CSS (:has), so also without JavaScript. */}
      <fieldset className="tier__shipping">
        <legend>{t("editor.tier.shippingCosts")}</legend>
        <p className="field__hint">{t("editor.tier.shippingCostsHint")}</p>
        {shippingZoneFields.map(([name, label]) => (
          <FormField key={name} id={`${prefix}-${name}`} label={t(label)} error={err(errors, name)}>
            {(aria) => (
              <input {...aria} name={name} inputMode="decimal" defaultValue={String(values[name] ?? "")} />
            )}
          </FormField>
        ))}
      </fieldset>
      <label className="checkbox">
        <input
          type="checkbox"
          name="pickup"
          defaultChecked={values.pickup === true || values.pickup === "on"}
        />
        {t("editor.tier.pickup")}
      </label>
      <FormField
        id={`${prefix}-pickupPlace`}
        label={t("editor.tier.pickupPlace")}
        hint={t("editor.tier.pickupPlaceHint")}
        error={err(errors, "pickupPlace")}
      >
        {(aria) => (
          <input
            {...aria}
            name="pickupPlace"
            maxLength={120}
            defaultValue={String(values.pickupPlace ?? "")}
          />
        )}
      </FormField>
    </>
  );
}

export function TierEditor({
  tiers,
  added,
  errors: { errorsFor, err },
}: {
  tiers: EditorTier[];
  /** What was typed in the add form, when it comes back refused. */
  added: Record<string, string | undefined>;
  errors: EditorErrors;
}) {
  const t = useTranslate();
  const addErrors = errorsFor("add-tier");
  const addForm = useResetAfterSave("add-tier", Object.keys(addErrors).length > 0);
  return (
    <>
      <h2 id="step-rewards">{t("editor.tiers")}</h2>
      <ol className="tiers__list">
        {tiers.map((tier) => (
          <li key={tier.id} className="tier">
            <EditorForm
              errors={errorsFor("update-tier", tier.id)}
              err={err}
              fields={tierFields}
              idOf={(field) => `tier-${tier.id}-${field}`}
            >
              <CsrfField />
              <input type="hidden" name="intent" value="update-tier" />
              <input type="hidden" name="tierId" value={tier.id} />
              <TierFields
                prefix={`tier-${tier.id}`}
                values={{ ...tier }}
                errors={errorsFor("update-tier", tier.id)}
                err={err}
              />
              <button type="submit" className="button">
                {t("editor.save")}
              </button>
            </EditorForm>
            <MoveForm field="tierId" id={tier.id} intent="move-tier" />
            {tier.claimed === 0 ? (
              <Form method="post">
                <CsrfField />
                <input type="hidden" name="tierId" value={tier.id} />
                <ConfirmField label={t("confirm.tierRemove")} />
                <button type="submit" name="intent" value="remove-tier" className="button button--danger">
                  {t("editor.tier.remove")}
                </button>
              </Form>
            ) : null}
            {errorsFor("remove-tier", tier.id).form ? (
              <p className="field__error">{t(errorsFor("remove-tier", tier.id).form!)}</p>
            ) : null}
          </li>
        ))}
      </ol>
      <EditorForm
        className="change-form"
        errors={addErrors}
        err={err}
        fields={tierFields}
        idOf={(field) => `new-tier-${field}`}
        formRef={addForm}
      >
        <CsrfField />
        <input type="hidden" name="intent" value="add-tier" />
        <TierFields prefix="new-tier" values={added} errors={addErrors} err={err} />
        <button type="submit" className="button">
          {t("editor.tier.add")}
        </button>
      </EditorForm>
    </>
  );
}
