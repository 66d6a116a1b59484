import { useTranslate } from "~/components/use-locale";

/**
 * On every page while no real money can move, so nobody mistakes a demo for a live platform. A
 * landmark of its own (axe: all content in landmarks), named by its first words.
 */
export function TestModeBanner() {
  const t = useTranslate();
  return (
    <aside className="test-banner" aria-label={t("checkout.testMode")}>
      <strong>{t("checkout.testMode")}</strong> · {t("banner.testMode")}
    </aside>
  );
}
