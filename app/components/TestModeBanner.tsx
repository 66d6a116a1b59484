import { useTranslate } from "~/lib/locale";

/** On every page while no real money can move, so nobody mistakes a demo for a live platform. */
export function TestModeBanner() {
  const t = useTranslate();
  return (
    <p className="test-banner" role="note">
      <strong>{t("checkout.testMode")}</strong> · {t("banner.testMode")}
    </p>
  );
}
