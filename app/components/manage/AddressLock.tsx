// When some reward ships by post: whether backers may still change their address, and the button
// that locks (once parcels are being prepared) or unlocks them.
import { Form } from "@remix-run/react";
import { CsrfField } from "~/components/CsrfField";
import { useTranslate } from "~/components/use-locale";

export function AddressLock({ locked }: { locked: boolean }) {
  const t = useTranslate();
  return (
    <section aria-labelledby="addresses-title" className="change-form">
      <h2 id="addresses-title">{t("dashboard.addresses.title")}</h2>
      <p data-testid="addresses-state">
        {t(locked ? "dashboard.addresses.locked" : "dashboard.addresses.open")}
      </p>
      <Form method="post">
        <CsrfField />
        <button
          type="submit"
          name="intent"
          value={locked ? "unlock-addresses" : "lock-addresses"}
          className="button"
        >
          {t(locked ? "dashboard.addresses.unlock" : "dashboard.addresses.lock")}
        </button>
      </Form>
    </section>
  );
}
