// The campaign's progress: amount raised against the goal, as a bar people read at a glance and
// screen readers read as text. Exact numbers ride along as data attributes for live updates.
import type { Progress } from "~/campaigns/campaigns.server";
import { formatMoney } from "~/lib/money";
import { useIntlLocale, useTranslate } from "~/components/use-locale";

export function ProgressBar({
  progress,
  size = "large",
  live = false,
}: {
  progress: Progress;
  size?: "large" | "small";
  /** True while the live stream is connected: the numbers update by themselves. */
  live?: boolean;
}) {
  const t = useTranslate();
  const locale = useIntlLocale();
  const raised = formatMoney(progress.raised, progress.currency, locale);
  const goal = formatMoney(progress.goal, progress.currency, locale);
  const percentText = t("campaign.percent", { percent: progress.percent });
  const filled = Math.min(progress.percent, 100);
  return (
    <div className={`progress progress--${size}`}>
      <div
        className="progress__track"
        role="progressbar"
        aria-label={t("campaign.progressLabel")}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={filled}
        aria-valuetext={t("campaign.progressText", { raised, goal, percent: progress.percent })}
        data-raised={progress.raised}
        data-goal={progress.goal}
        data-percent={progress.percent}
        data-backers={progress.backers}
        data-live={live ? "on" : "off"}
      >
        <div className="progress__fill" style={{ width: `${filled}%` }} />
      </div>
      <p className="progress__numbers">
        <span className="progress__raised" data-testid="raised">
          {raised}
        </span>{" "}
        <span className="progress__goal">{t("campaign.goal", { goal })}</span>
        <span className="progress__percent" data-testid="percent">
          {percentText}
        </span>
      </p>
    </div>
  );
}
