// "Share and embed": the codes an owner copies to show the campaign elsewhere: the widget in an
// <iframe>, the progress image for a newsletter (HTML) or a README (Markdown). Plain read-only
// fields, selected on focus: nothing to install, and it works without JavaScript.
import type { FocusEvent } from "react";
import { useTranslate } from "~/components/use-locale";

export function EmbedPanel({
  siteUrl,
  slug,
  title,
  isPublic,
}: {
  siteUrl: string;
  slug: string;
  title: string;
  isPublic: boolean;
}) {
  const t = useTranslate();
  const base = `${siteUrl.replace(/\/$/, "")}/campaigns/${slug}`;
  const alt = title.replace(/["<>&]/g, "");
  const codes = [
    {
      id: "embed-widget",
      label: t("editor.embed.widget"),
      code: `<iframe src="${base}/embed" title="${alt}" width="360" height="240" style="border:0" loading="lazy"></iframe>`,
    },
    {
      id: "embed-badge",
      label: t("editor.embed.badge"),
      code: `<a href="${base}"><img src="${base}/badge.svg" alt="${alt}" width="320" height="64"></a>`,
    },
    {
      id: "embed-markdown",
      label: t("editor.embed.markdown"),
      code: `[![${alt}](${base}/badge.svg)](${base})`,
    },
  ];
  const selectAll = (event: FocusEvent<HTMLTextAreaElement>) => event.currentTarget.select();
  return (
    <section aria-labelledby="embed-title" className="embed-panel">
      <h2 id="embed-title">{t("editor.embed.title")}</h2>
      <p className="muted">{t(isPublic ? "editor.embed.hint" : "editor.embed.notYet")}</p>
      {codes.map(({ id, label, code }) => (
        <p key={id} className="field">
          <label htmlFor={id}>{label}</label>
          <textarea id={id} readOnly rows={3} value={code} onFocus={selectAll} spellCheck={false} />
        </p>
      ))}
      {isPublic ? (
        <p>
          <img src={`/campaigns/${slug}/badge.svg`} alt={t("editor.embed.preview")} width={320} height={64} />
        </p>
      ) : null}
    </section>
  );
}
