// French and English: the locale chosen for a request, and the interface's messages.
// The French text is the reference; English must have every key (TypeScript checks it).
import { numberFormat, pluralRules } from "./intl";

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
  "error.forbidden.title": "Accès refusé",
  "error.forbidden.body": "Ce lien n'est pas valide. Utilisez le lien complet que vous avez reçu.",
  "footer.text": "Tour de table est un logiciel libre pour financer les projets de sa communauté.",
  "unsubscribe.title": "Se désabonner",
  "unsubscribe.kind.milestones": "les e-mails de paliers atteints",
  "unsubscribe.kind.reminders": "les rappels avant la fin des campagnes",
  "unsubscribe.kind.updates": "les actualités des projets",
  "unsubscribe.kind.digest": "le résumé quotidien des contributions",
  "unsubscribe.confirm": "Ne plus recevoir {kind} à l'adresse {email} ?",
  "unsubscribe.button": "Me désabonner",
  "unsubscribe.done":
    "C'est fait : {email} ne recevra plus {kind}. Les e-mails liés à vos paiements restent envoyés.",
  "mailbox.title": "Boîte aux lettres locale",
  "mailbox.intro": "Sans SMTP_URL, les e-mails envoyés par l'application arrivent ici.",
  "mailbox.empty": "Aucun e-mail pour l'instant.",
  "mailbox.to": "À",
  "mailbox.subject": "Objet",
  "mailbox.date": "Date",
  "mailbox.back": "Tous les e-mails",
  "mailbox.text": "Version texte",
  "mailbox.html": "Version HTML",
  "mailbox.headers": "En-têtes",
  "banner.testMode": "paiements simulés avec les cartes de test Stripe ; rien n'est jamais débité.",
  "campaign.pledgeCta": "Soutenir ce projet",
  "tiers.choose": "Choisir cette contrepartie",
  "pledge.title": "Soutenir « {title} »",
  "pledge.back": "Retour à la campagne",
  "pledge.chooseTier": "Votre contrepartie",
  "pledge.noReward": "Sans contrepartie",
  "pledge.noRewardText": "Je soutiens le projet, simplement.",
  "pledge.amount": "Montant de votre contribution",
  "pledge.amountHint": "Au moins {min}. Vous pouvez donner plus.",
  "pledge.you": "Vous",
  "pledge.name": "Votre nom",
  "pledge.email": "Votre adresse e-mail",
  "pledge.emailHint": "Pour votre reçu et le lien privé vers votre contribution.",
  "pledge.comment": "Un mot pour le projet (facultatif, affiché publiquement)",
  "pledge.anonymous": "Ne pas afficher mon nom publiquement",
  "pledge.consent":
    "J'ai compris que ma carte est enregistrée maintenant et ne sera débitée que si l'objectif est atteint à l'échéance ({deadline}).",
  "pledge.flexibleNote": "Financement flexible : votre carte est débitée dès la validation du paiement.",
  "pledge.submit": "Continuer vers le paiement",
  "pledge.canceled": "Paiement abandonné : rien n'a été débité. Vous pouvez réessayer.",
  "pledge.errorSummary": "{count, plural, one {# champ est à corriger} other {# champs sont à corriger}} :",
  "pledge.closed": "Cette campagne ne prend plus de contributions.",
  "pledge.error.amountRequired": "Indiquez un montant.",
  "pledge.error.amountInvalid": "Ce montant n'est pas un nombre (exemple : 25 ou 25,50).",
  "pledge.error.amountPositive": "Le montant doit être positif.",
  "pledge.error.amountDecimals": "Pas plus de deux décimales.",
  "pledge.error.amountTooLarge": "Ce montant dépasse le maximum d'une contribution (100 000 €).",
  "pledge.error.amountBelowMinimum": "Cette contrepartie demande au moins {min}.",
  "pledge.error.tierUnknown": "Cette contrepartie n'existe pas pour cette campagne.",
  "pledge.error.soldOut": "Cette contrepartie vient d'être épuisée. Choisissez-en une autre.",
  "pledge.error.nameRequired": "Indiquez votre nom.",
  "pledge.error.nameTooLong": "100 caractères au plus.",
  "pledge.error.emailRequired": "Indiquez votre adresse e-mail.",
  "pledge.error.emailInvalid": "Cette adresse e-mail n'est pas valide (exemple : camille@exemple.fr).",
  "pledge.error.commentTooLong": "500 caractères au plus.",
  "pledge.error.consentRequired": "Cochez cette case pour continuer.",
  "pledge.error.formExpired": "Le formulaire a expiré : rechargez la page.",
  "pledge.error.paymentUnavailable":
    "Le service de paiement ne répond pas. Rien n'a été débité ; réessayez dans un instant.",
  "pledge.error.campaignClosed": "Cette campagne ne prend plus de contributions.",
  "checkout.testMode": "MODE TEST — aucun argent réel",
  "checkout.title": "Paiement simulé",
  "checkout.summary": "{amount} pour « {title} »",
  "checkout.intro.all_or_nothing":
    "Votre carte est enregistrée maintenant ; elle ne sera débitée que si l'objectif est atteint à l'échéance.",
  "checkout.intro.flexible": "Votre carte est débitée maintenant.",
  "checkout.cardNumber": "Numéro de carte",
  "checkout.expiry": "Expiration (MM/AA)",
  "checkout.cvc": "CVC",
  "checkout.pay.all_or_nothing": "Enregistrer ma carte",
  "checkout.pay.flexible": "Payer {amount}",
  "checkout.cancel": "Annuler et revenir à la campagne",
  "checkout.testCards":
    "Cartes de test : 4242 4242 4242 4242 (acceptée), 4000 0000 0000 0002 (refusée), 4000 0027 6000 3184 (authentification demandée).",
  "checkout.error.declined": "Votre carte a été refusée. Rien n'a été compté ; essayez une autre carte.",
  "checkout.error.unknownCard": "Ce numéro n'est pas une carte de test. Utilisez 4242 4242 4242 4242.",
  "checkout.error.cardNumber": "Numéro de carte incomplet.",
  "checkout.error.expiry": "Date d'expiration invalide ou passée.",
  "checkout.error.cvc": "Le CVC a 3 ou 4 chiffres.",
  "checkout.error.authFailed":
    "L'authentification a échoué. Rien n'a été compté ; réessayez ou changez de carte.",
  "checkout.error.closed": "Ce paiement n'est plus ouvert.",
  "checkout.error.tooLate": "La campagne s'est terminée avant la fin du paiement : rien ne sera débité.",
  "checkout.auth.title": "Authentification 3-D Secure (simulée)",
  "checkout.auth.body": "Votre banque vous demande de confirmer ce paiement de {amount}.",
  "checkout.auth.approve": "Confirmer le paiement",
  "checkout.auth.fail": "Refuser",
  "pledgePage.title": "Votre contribution",
  "pledgePage.thanks": "Merci, {name} ! Votre contribution à « {title} » est enregistrée.",
  "pledgePage.pending": "Nous attendons la confirmation du paiement. Cette page se met à jour d'elle-même.",
  "pledgePage.status": "État",
  "pledgePage.status.pending": "Paiement en cours",
  "pledgePage.status.committed": "Confirmée : carte enregistrée",
  "pledgePage.status.collected": "Payée",
  "pledgePage.status.refunded": "Remboursée",
  "pledgePage.status.canceled": "Annulée",
  "pledgePage.status.expired": "Paiement non abouti",
  "pledgePage.status.payment_failed": "Paiement refusé : à régulariser",
  "pledgePage.status.dropped": "Abandonnée",
  "pledgePage.amount": "Montant",
  "pledgePage.reward": "Contrepartie",
  "pledgePage.campaign": "Campagne",
  "pledgePage.link":
    "Votre lien privé : gardez-le, il permet de modifier ou d'annuler votre contribution jusqu'à l'échéance.",
  "pledgePage.change": "Modifier ma contribution",
  "pledgePage.save": "Enregistrer les modifications",
  "pledgePage.changed": "Votre contribution est modifiée.",
  "pledgePage.cancel": "Annuler ma contribution",
  "pledgePage.cancelHint": "Rien ne sera débité et votre contrepartie sera remise en jeu.",
  "pledgePage.canceled": "Votre contribution est annulée. Rien ne sera débité.",
  "pledgePage.locked": "Cette contribution ne peut plus être modifiée en ligne.",
  "pledgePage.failed":
    "Le paiement n'a pas abouti : votre banque l'a refusé ou demande une confirmation. Donnez une autre carte (ou confirmez la même) sous 7 jours, sinon la contribution sera annulée.",
  "pledgePage.fix": "Régler mon paiement",
  "pledgePage.badLink": "Ce lien n'est pas valide. Utilisez le lien complet reçu après votre paiement.",
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
  "error.forbidden.title": "Access denied",
  "error.forbidden.body": "This link is not valid. Use the full link you were given.",
  "footer.text": "Tour de table is free software for funding your community's projects.",
  "unsubscribe.title": "Unsubscribe",
  "unsubscribe.kind.milestones": "milestone emails",
  "unsubscribe.kind.reminders": "reminders before campaigns end",
  "unsubscribe.kind.updates": "project updates",
  "unsubscribe.kind.digest": "the daily digest of pledges",
  "unsubscribe.confirm": "Stop receiving {kind} at {email}?",
  "unsubscribe.button": "Unsubscribe me",
  "unsubscribe.done":
    "Done: {email} will no longer receive {kind}. Emails about your payments are still sent.",
  "mailbox.title": "Local mailbox",
  "mailbox.intro": "Without SMTP_URL, the emails the app sends land here.",
  "mailbox.empty": "No email yet.",
  "mailbox.to": "To",
  "mailbox.subject": "Subject",
  "mailbox.date": "Date",
  "mailbox.back": "All emails",
  "mailbox.text": "Text version",
  "mailbox.html": "HTML version",
  "mailbox.headers": "Headers",
  "banner.testMode": "payments are simulated with Stripe's test cards; nothing is ever charged.",
  "campaign.pledgeCta": "Back this project",
  "tiers.choose": "Select this reward",
  "pledge.title": "Back “{title}”",
  "pledge.back": "Back to the campaign",
  "pledge.chooseTier": "Your reward",
  "pledge.noReward": "No reward",
  "pledge.noRewardText": "I just want to support the project.",
  "pledge.amount": "Your pledge",
  "pledge.amountHint": "At least {min}. You may give more.",
  "pledge.you": "You",
  "pledge.name": "Your name",
  "pledge.email": "Your email address",
  "pledge.emailHint": "For your receipt and the private link to your pledge.",
  "pledge.comment": "A word for the project (optional, shown publicly)",
  "pledge.anonymous": "Don't show my name publicly",
  "pledge.consent":
    "I understand my card is saved now and only charged if the goal is met by the deadline ({deadline}).",
  "pledge.flexibleNote": "Flexible funding: your card is charged as soon as the payment goes through.",
  "pledge.submit": "Continue to payment",
  "pledge.canceled": "Payment abandoned: nothing was charged. You can try again.",
  "pledge.errorSummary": "{count, plural, one {# field needs fixing} other {# fields need fixing}}:",
  "pledge.closed": "This campaign no longer takes pledges.",
  "pledge.error.amountRequired": "Enter an amount.",
  "pledge.error.amountInvalid": "This amount is not a number (for example 25 or 25.50).",
  "pledge.error.amountPositive": "The amount must be positive.",
  "pledge.error.amountDecimals": "No more than two decimals.",
  "pledge.error.amountTooLarge": "This is more than one pledge can be (100,000 €).",
  "pledge.error.amountBelowMinimum": "This reward needs at least {min}.",
  "pledge.error.tierUnknown": "This reward does not exist for this campaign.",
  "pledge.error.soldOut": "This reward has just sold out. Please pick another.",
  "pledge.error.nameRequired": "Enter your name.",
  "pledge.error.nameTooLong": "100 characters at most.",
  "pledge.error.emailRequired": "Enter your email address.",
  "pledge.error.emailInvalid": "This email address is not valid (for example camille@example.org).",
  "pledge.error.commentTooLong": "500 characters at most.",
  "pledge.error.consentRequired": "Tick this box to continue.",
  "pledge.error.formExpired": "This form has expired: reload the page.",
  "pledge.error.paymentUnavailable":
    "The payment service is not answering. Nothing was charged; try again in a moment.",
  "pledge.error.campaignClosed": "This campaign no longer takes pledges.",
  "checkout.testMode": "TEST MODE — no real money",
  "checkout.title": "Simulated checkout",
  "checkout.summary": "{amount} for “{title}”",
  "checkout.intro.all_or_nothing":
    "Your card is saved now; it is only charged if the goal is met by the deadline.",
  "checkout.intro.flexible": "Your card is charged now.",
  "checkout.cardNumber": "Card number",
  "checkout.expiry": "Expiry (MM/YY)",
  "checkout.cvc": "CVC",
  "checkout.pay.all_or_nothing": "Save my card",
  "checkout.pay.flexible": "Pay {amount}",
  "checkout.cancel": "Cancel and go back to the campaign",
  "checkout.testCards":
    "Test cards: 4242 4242 4242 4242 (succeeds), 4000 0000 0000 0002 (declined), 4000 0027 6000 3184 (asks for authentication).",
  "checkout.error.declined": "Your card was declined. Nothing was counted; try another card.",
  "checkout.error.unknownCard": "This is not a test card number. Use 4242 4242 4242 4242.",
  "checkout.error.cardNumber": "Incomplete card number.",
  "checkout.error.expiry": "Invalid or past expiry date.",
  "checkout.error.cvc": "The CVC has 3 or 4 digits.",
  "checkout.error.authFailed": "Authentication failed. Nothing was counted; try again or use another card.",
  "checkout.error.closed": "This payment is no longer open.",
  "checkout.error.tooLate": "The campaign ended before the payment finished: nothing will be charged.",
  "checkout.auth.title": "3-D Secure authentication (simulated)",
  "checkout.auth.body": "Your bank asks you to confirm this payment of {amount}.",
  "checkout.auth.approve": "Confirm the payment",
  "checkout.auth.fail": "Refuse",
  "pledgePage.title": "Your pledge",
  "pledgePage.thanks": "Thank you, {name}! Your pledge to “{title}” is in.",
  "pledgePage.pending": "We are waiting for the payment to be confirmed. This page updates by itself.",
  "pledgePage.status": "Status",
  "pledgePage.status.pending": "Payment in progress",
  "pledgePage.status.committed": "Confirmed: card saved",
  "pledgePage.status.collected": "Paid",
  "pledgePage.status.refunded": "Refunded",
  "pledgePage.status.canceled": "Canceled",
  "pledgePage.status.expired": "Payment not completed",
  "pledgePage.status.payment_failed": "Payment declined: to be fixed",
  "pledgePage.status.dropped": "Dropped",
  "pledgePage.amount": "Amount",
  "pledgePage.reward": "Reward",
  "pledgePage.campaign": "Campaign",
  "pledgePage.link":
    "Your private link: keep it, it lets you change or cancel your pledge until the deadline.",
  "pledgePage.change": "Change my pledge",
  "pledgePage.save": "Save changes",
  "pledgePage.changed": "Your pledge has been changed.",
  "pledgePage.cancel": "Cancel my pledge",
  "pledgePage.cancelHint": "Nothing will be charged and your reward goes back on offer.",
  "pledgePage.canceled": "Your pledge is canceled. Nothing will be charged.",
  "pledgePage.locked": "This pledge can no longer be changed online.",
  "pledgePage.failed":
    "The payment did not go through: your bank declined it or asks for confirmation. Give another card (or confirm this one) within 7 days, or the pledge will be dropped.",
  "pledgePage.fix": "Fix my payment",
  "pledgePage.badLink": "This link is not valid. Use the full link you were given after paying.",
};

const messages: Record<Locale, Record<MessageKey, string>> = { fr, en };

export type MessageParams = Record<string, string | number>;

/**
 * Looks a message up and fills it in. `{name}` takes a parameter; `{count, plural, =0 {…} one {…}
 * other {…}}` picks a form by the locale's plural rules, with `#` standing for the number.
 */
export function translate(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const template = messages[locale][key];
  const plural = pluralRules(intlLocale[locale]);
  const number = numberFormat(intlLocale[locale]);
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
