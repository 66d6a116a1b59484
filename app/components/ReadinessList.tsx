// A campaign's readiness for review, as its owner sees it before submitting and an admin on the
// review page: each point met or missing, in words, with an icon that is not the only sign.
import type { Readiness } from "~/campaigns/readiness.server";
import { useTranslate } from "~/components/use-locale";

export function ReadinessList({ readiness, titleId }: { readiness: Readiness; titleId: string }) {
  const t = useTranslate();
  return (
    <section className="readiness" aria-labelledby={titleId}>
      <h2 id={titleId}>{t("readiness.title")}</h2>
      <ul className="readiness__list">
        {readiness.points.map(({ point, ok, required }) => (
          <li key={point} className={ok ? "readiness__point readiness__point--ok" : "readiness__point"}>
            <span aria-hidden="true">{ok ? "✓" : required ? "✗" : "•"}</span>{" "}
            <span>
              {t(`readiness.${point}`)}{" "}
              <strong>
                {ok ? t("readiness.done") : required ? t("readiness.missing") : t("readiness.advised")}
              </strong>
            </span>
          </li>
        ))}
      </ul>
      <p className={readiness.ready ? "notice notice--success" : "notice"}>
        {t(readiness.ready ? "readiness.ready" : "readiness.notReady")}
      </p>
    </section>
  );
}
