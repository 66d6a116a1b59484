// A campaign's risks and challenges on its page, after the story: the owner's Markdown, rendered and
// sanitized on the server like the story. Nothing when the owner wrote none.
import { useTranslate } from "~/components/use-locale";

export function CampaignRisks({ html }: { html: string }) {
  const t = useTranslate();
  if (!html) return null;
  return (
    <section id="risks" className="campaign__risks" aria-labelledby="risks-title">
      <h2 id="risks-title">{t("campaign.risks")}</h2>
      {/* Rendered from Markdown and sanitized on the server (story.server.ts). */}
      <div className="prose" dangerouslySetInnerHTML={{ __html: html }} />
    </section>
  );
}
