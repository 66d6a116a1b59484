// A campaign's FAQ on its page: each question a <details> whose <summary> opens its answer, without
// JavaScript. Nothing when the owner wrote no question.
import type { FaqEntryView } from "~/campaigns/campaigns.server";
import { useTranslate } from "~/components/use-locale";

export function CampaignFaq({ entries }: { entries: FaqEntryView[] }) {
  const t = useTranslate();
  if (!entries.length) return null;
  return (
    <section id="faq" className="campaign__faq faq" aria-labelledby="faq-title">
      <h2 id="faq-title">{t("campaign.faq")}</h2>
      {entries.map((entry) => (
        <details key={entry.id} className="faq__entry">
          <summary className="faq__question">{entry.question}</summary>
          {/* The answer's Markdown, rendered and sanitized on the server like the story. */}
          <div className="prose faq__answer" dangerouslySetInnerHTML={{ __html: entry.answerHtml }} />
        </details>
      ))}
    </section>
  );
}
