// An instant as people read it in a time zone, zone included, in their language: the deadline on a
// campaign page, a scheduled launch in an email.
import { intlLocale, translate, type Locale } from "~/i18n/catalogue.server";
import { formatInstant, zoneCity } from "./time";

/** "mardi 8 décembre 2026 à 23:59, heure de Paris": an instant in a zone, for readers of `locale`. */
export function formatZonedInstant(instant: Date, timeZone: string, locale: Locale): string {
  return translate(locale, "time.inZone", {
    time: formatInstant(instant, timeZone, intlLocale(locale)),
    city: zoneCity(timeZone),
  });
}
