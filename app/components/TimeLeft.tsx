import type { TimeLeft as TimeLeftValue } from "~/lib/time";
import { useTranslate } from "~/components/use-locale";

export function TimeLeftText({ value }: { value: TimeLeftValue }) {
  const t = useTranslate();
  if (value.unit === "ended") return <>{t("campaign.timeLeft.ended")}</>;
  return <>{t(`campaign.timeLeft.${value.unit}`, { count: value.value })}</>;
}
