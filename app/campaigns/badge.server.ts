// A campaign's progress as a small SVG image, for newsletters and READMEs where no script runs: its
// title, the amount raised against the goal, the percentage and a bar. Text is escaped; the title is
// cut to what fits.
import { intlLocale, translate, type Locale } from "~/i18n/catalogue.server";
import { formatMoney } from "~/lib/money";
import type { CampaignCard } from "./campaigns.server";

const WIDTH = 320;
const HEIGHT = 64;
const TITLE_MAX = 42;

const escapeXml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

export function badgeSvg(campaign: CampaignCard, locale: Locale): string {
  const { progress } = campaign;
  const money = (amount: number) => formatMoney(amount, progress.currency, intlLocale(locale));
  const title =
    campaign.title.length > TITLE_MAX ? `${campaign.title.slice(0, TITLE_MAX - 1)}…` : campaign.title;
  const numbers = translate(locale, "badge.numbers", {
    raised: money(progress.raised),
    goal: money(progress.goal),
    percent: progress.percent,
  });
  const backers = translate(locale, "campaign.backers", { count: progress.backers });
  const label = `${title} — ${numbers}, ${backers}`;
  // The bar stops at its end past 100 %; the percentage says how far past.
  const filled = Math.round((Math.min(progress.percent, 100) / 100) * (WIDTH - 16));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeXml(label)}">
<title>${escapeXml(label)}</title>
<rect width="${WIDTH}" height="${HEIGHT}" rx="8" fill="#ffffff" stroke="#1f3a5f"/>
<text x="8" y="20" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="13" font-weight="700" fill="#1f3a5f">${escapeXml(title)}</text>
<text x="8" y="38" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12" fill="#1b1b1b">${escapeXml(numbers)} · ${escapeXml(backers)}</text>
<rect x="8" y="46" width="${WIDTH - 16}" height="10" rx="5" fill="#dfe5ec"/>
<rect x="8" y="46" width="${filled}" height="10" rx="5" fill="#2f7a4f"/>
</svg>
`;
}
