// French and English: the locale chosen for a request, and the interface's messages.
// The French text is the reference; English must have every key (TypeScript checks it).

export const locales = ["fr", "en"] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = "fr";
export const localeCookieName = "lang";

/** The BCP 47 tag Intl formats with: `15 000 €` in fr-FR, `€15,000` in en-GB. */
export const intlLocale: Record<Locale, string> = { fr: "fr-FR", en: "en-GB" };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

/** The best of our locales for an Accept-Language header, by its quality values. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const quality = q ? Number(q.slice(2)) : 1;
      return { base: tag.trim().toLowerCase().split("-")[0] ?? "", quality, index };
    })
    .filter((entry) => entry.base && Number.isFinite(entry.quality) && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  return ranked.map((entry) => entry.base).find(isLocale);
}

/** The cookie a person set with the language switch wins; then their browser's languages. */
export function negotiateLocale(cookieHeader: string | null, acceptLanguage: string | null): Locale {
  const fromCookie = cookieHeader
    ?.split(";")
    .map((c) => c.trim().split("="))
    .find(([name]) => name === localeCookieName)?.[1];
  if (isLocale(fromCookie)) return fromCookie;
  return localeFromAcceptLanguage(acceptLanguage) ?? defaultLocale;
}

const fr = {
  "site.name": "Tour de table",
  "site.tagline": "Le financement participatif des projets de quartier",
  "nav.home": "Accueil",
  "nav.skip": "Aller au contenu",
  "lang.label": "Langue",
  "lang.switch": "Changer",
  "lang.fr": "Français",
  "lang.en": "English",
  "home.title": "Des projets portés par celles et ceux qui les vivent",
  "home.lead":
    "Un tiers-lieu, un fournil, un atelier de réparation : soutenez les projets près de chez vous. Vous n'êtes débité que si l'objectif est atteint.",
  "home.live": "Campagnes en cours",
  "home.none": "Aucune campagne en cours pour l'instant.",
  "home.recent": "Ils ont réussi",
  "campaign.raised": "collectés",
  "campaign.goal": "sur un objectif de {goal}",
  "campaign.percent": "{percent} %",
  "campaign.backers": "{count, plural, =0 {aucun contributeur} one {# contributeur} other {# contributeurs}}",
  "campaign.timeLeft.days": "{count, plural, one {# jour restant} other {# jours restants}}",
  "campaign.timeLeft.hours": "{count, plural, one {# heure restante} other {# heures restantes}}",
  "campaign.timeLeft.minutes": "{count, plural, one {# minute restante} other {# minutes restantes}}",
  "campaign.timeLeft.ended": "Campagne terminée",
  "campaign.deadline": "Fin de la collecte :",
  "stats.raised": "collectés",
  "stats.backers": "{count, plural, one {contributeur} other {contributeurs}}",
  "stats.days": "{count, plural, one {jour restant} other {jours restants}}",
  "stats.hours": "{count, plural, one {heure restante} other {heures restantes}}",
  "stats.minutes": "{count, plural, one {minute restante} other {minutes restantes}}",
  "stats.ended": "Collecte terminée le",
  "campaign.progressLabel": "Progression de la collecte",
  "campaign.progressText": "{raised} collectés sur {goal}, soit {percent} %",
  "campaign.by": "Porté par {name}",
  "campaign.model.all_or_nothing":
    "Tout ou rien : les contributeurs ne sont débités que si l'objectif est atteint à l'échéance.",
  "campaign.model.flexible": "Financement flexible : le projet garde tout ce qui est collecté.",
  "campaign.status.succeeded": "Objectif atteint",
  "campaign.status.failed": "Objectif non atteint",
  "campaign.status.canceled": "Campagne annulée",
  "campaign.status.draft": "Brouillon",
  "campaign.status.in_review": "En relecture",
  "campaign.status.live": "En cours",
  "campaign.story": "Le projet",
  "campaign.view": "Voir la campagne",
  "tiers.title": "Contreparties",
  "tiers.minimum": "{amount} ou plus",
  "tiers.remaining": "{count, plural, one {# restante} other {# restantes}} sur {limit}",
  "tiers.unlimited": "Quantité illimitée",
  "tiers.soldOut": "Épuisée",
  "tiers.claimed": "{count, plural, =0 {aucun contributeur} one {# contributeur} other {# contributeurs}}",
  "tiers.delivery": "Livraison estimée : {month}",
  "tiers.shipping": "Envoi postal",
  "stretch.title": "Paliers",
  "stretch.reached": "Atteint",
  "stretch.notReached": "Pas encore atteint",
  "stretch.target": "À {amount}",
  "error.notFound.title": "Page introuvable",
  "error.notFound.body": "Cette page n'existe pas ou plus. La campagne a peut-être changé d'adresse.",
  "error.server.title": "Une erreur est survenue",
  "error.server.body":
    "Nous n'avons pas pu afficher cette page. Rien n'a été perdu : réessayez dans un instant.",
  "error.back": "Retour à l'accueil",
  "footer.text": "Tour de table est un logiciel libre pour financer les projets de sa communauté.",
} as const;

export type MessageKey = keyof typeof fr;

const en: Record<MessageKey, string> = {
  "site.name": "Tour de table",
  "site.tagline": "Crowdfunding for community projects",
  "nav.home": "Home",
  "nav.skip": "Skip to content",
  "lang.label": "Language",
  "lang.switch": "Change",
  "lang.fr": "Français",
  "lang.en": "English",
  "home.title": "Projects carried by the people who live them",
  "home.lead":
    "A coworking space, a bakery, a repair café: back the projects near you. You are only charged if the goal is met.",
  "home.live": "Live campaigns",
  "home.none": "No live campaign right now.",
  "home.recent": "Funded",
  "campaign.raised": "raised",
  "campaign.goal": "of a {goal} goal",
  "campaign.percent": "{percent}%",
  "campaign.backers": "{count, plural, =0 {no backers} one {# backer} other {# backers}}",
  "campaign.timeLeft.days": "{count, plural, one {# day to go} other {# days to go}}",
  "campaign.timeLeft.hours": "{count, plural, one {# hour to go} other {# hours to go}}",
  "campaign.timeLeft.minutes": "{count, plural, one {# minute to go} other {# minutes to go}}",
  "campaign.timeLeft.ended": "Campaign ended",
  "campaign.deadline": "Ends",
  "stats.raised": "pledged",
  "stats.backers": "{count, plural, one {backer} other {backers}}",
  "stats.days": "{count, plural, one {day to go} other {days to go}}",
  "stats.hours": "{count, plural, one {hour to go} other {hours to go}}",
  "stats.minutes": "{count, plural, one {minute to go} other {minutes to go}}",
  "stats.ended": "Ended on",
  "campaign.progressLabel": "Funding progress",
  "campaign.progressText": "{raised} raised of {goal}, {percent}%",
  "campaign.by": "By {name}",
  "campaign.model.all_or_nothing":
    "All or nothing: backers are only charged if the goal is met by the deadline.",
  "campaign.model.flexible": "Flexible funding: the project keeps everything raised.",
  "campaign.status.succeeded": "Funded",
  "campaign.status.failed": "Not funded",
  "campaign.status.canceled": "Canceled",
  "campaign.status.draft": "Draft",
  "campaign.status.in_review": "In review",
  "campaign.status.live": "Live",
  "campaign.story": "The project",
  "campaign.view": "See the campaign",
  "tiers.title": "Rewards",
  "tiers.minimum": "{amount} or more",
  "tiers.remaining": "{count} left of {limit}",
  "tiers.unlimited": "Unlimited",
  "tiers.soldOut": "Sold out",
  "tiers.claimed": "{count, plural, =0 {no backers} one {# backer} other {# backers}}",
  "tiers.delivery": "Estimated delivery: {month}",
  "tiers.shipping": "Ships to you",
  "stretch.title": "Stretch goals",
  "stretch.reached": "Reached",
  "stretch.notReached": "Not reached yet",
  "stretch.target": "At {amount}",
  "error.notFound.title": "Page not found",
  "error.notFound.body": "This page does not exist, or no longer does. The campaign may have moved.",
  "error.server.title": "Something went wrong",
  "error.server.body": "We could not show this page. Nothing was lost: try again in a moment.",
  "error.back": "Back to the home page",
  "footer.text": "Tour de table is free software for funding your community's projects.",
};

const messages: Record<Locale, Record<MessageKey, string>> = { fr, en };

export type MessageParams = Record<string, string | number>;

/**
 * Looks a message up and fills it in. `{name}` takes a parameter; `{count, plural, =0 {…} one {…}
 * other {…}}` picks a form by the locale's plural rules, with `#` standing for the number.
 */
export function translate(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const template = messages[locale][key];
  const plural = new Intl.PluralRules(intlLocale[locale]);
  const number = new Intl.NumberFormat(intlLocale[locale]);
  return template
    .replace(/\{(\w+), plural,((?:\s*[=\w]+\s*\{[^{}]*\})+)\s*\}/g, (_, name: string, forms: string) => {
      const value = Number(params[name] ?? 0);
      const options = Object.fromEntries(
        [...forms.matchAll(/([=\w]+)\s*\{([^{}]*)\}/g)].map((m) => [m[1], m[2]]),
      ) as Record<string, string>;
      const form = options[`=${value}`] ?? options[plural.select(value)] ?? options.other ?? "";
      return form.replace(/#/g, number.format(value));
    })
    .replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export type Translate = (key: MessageKey, params?: MessageParams) => string;

export function translator(locale: Locale): Translate {
  return (key, params) => translate(locale, key, params);
}
