// Instants are UTC; a campaign's deadline is a local date and time in its IANA time zone.
// Everything here is pure and takes "now" as an argument, so tests can move time.
import { dateTimeFormat } from "~/i18n/intl";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export interface LocalDateTime {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    dateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock date and time of an instant in a time zone. */
export function toLocal(instant: Date, timeZone: string): LocalDateTime {
  const parts = dateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
    millisecond: instant.getUTCMilliseconds(),
  };
}

function asUtcMillis(local: LocalDateTime): number {
  return Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
    local.millisecond,
  );
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
export function zoneOffset(instant: Date, timeZone: string): number {
  return asUtcMillis(toLocal(instant, timeZone)) - instant.getTime();
}

/**
 * The instant at which a zone's wall clock shows `local`. A time repeated when clocks go back
 * resolves to its first occurrence; a time skipped when they go forward, to the moment after the jump.
 */
export function fromLocal(local: LocalDateTime, timeZone: string): Date {
  const wall = asUtcMillis(local);
  // Offsets change at most once or twice a year, never twice within a day.
  const offsetBefore = zoneOffset(new Date(wall - DAY), timeZone);
  const offsetAfter = zoneOffset(new Date(wall + DAY), timeZone);
  const matches = [wall - offsetBefore, wall - offsetAfter]
    .filter((t) => asUtcMillis(toLocal(new Date(t), timeZone)) === wall)
    .sort((a, b) => a - b);
  return new Date(matches[0] ?? wall - offsetBefore);
}

/**
 * A campaign launched at `launchedAt` for `durationDays` ends at the end of its last local day:
 * launched on Monday 1 for 15 days, it ends on Monday 15 at 23:59:59.999 in its time zone.
 */
export function campaignDeadline(launchedAt: Date, durationDays: number, timeZone: string): Date {
  const start = toLocal(launchedAt, timeZone);
  // Calendar arithmetic on the local date, done in UTC where days are always 24 hours.
  const lastDay = new Date(Date.UTC(start.year, start.month - 1, start.day + durationDays - 1));
  return fromLocal(
    {
      year: lastDay.getUTCFullYear(),
      month: lastDay.getUTCMonth() + 1,
      day: lastDay.getUTCDate(),
      hour: 23,
      minute: 59,
      second: 59,
      millisecond: 999,
    },
    timeZone,
  );
}

export type TimeLeft = { unit: "days" | "hours" | "minutes"; value: number } | { unit: "ended"; value: 0 };

/** What a campaign card shows: days while two or more remain, then hours, then minutes. */
export function timeLeft(now: Date, deadline: Date): TimeLeft {
  const left = deadline.getTime() - now.getTime();
  if (left <= 0) return { unit: "ended", value: 0 };
  if (left >= 2 * DAY) return { unit: "days", value: Math.floor(left / DAY) };
  if (left >= HOUR) return { unit: "hours", value: Math.floor(left / HOUR) };
  return { unit: "minutes", value: Math.max(1, Math.ceil(left / MINUTE)) };
}

/**
 * "mardi 8 décembre 2026 à 23:59": the deadline as people in the campaign's zone read it. The zone
 * is named by its city (`zoneCity`, in the catalogue's "time.inZone"), the same way in every
 * language: Intl's short names said "UTC+1" in French and "CET" in English.
 */
export function formatInstant(instant: Date, timeZone: string, locale: string): string {
  return dateTimeFormat(locale, {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(instant);
}

/** "Europe/Paris" → "Paris", "America/New_York" → "New York": a zone as people name it. */
export function zoneCity(timeZone: string): string {
  return (timeZone.split("/").pop() ?? timeZone).replaceAll("_", " ");
}

/**
 * A `<input type="datetime-local">` value ("2026-12-10T09:30") as the instant it means in `timeZone`
 * (not the server's zone); null when it is not one.
 */
export function parseLocalInput(value: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const local = { year, month, day, hour, minute, second, millisecond: 0 };
  // Out-of-range parts (13th month, 25 h) are refused rather than rolled over.
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute
  )
    return null;
  return fromLocal(local, timeZone);
}

/** "8 déc. 2026": a short date in a time zone. */
export function formatShortDate(instant: Date, timeZone: string, locale: string): string {
  return dateTimeFormat(locale, { timeZone, dateStyle: "medium" }).format(instant);
}

/** The zone admin pages show instants in: the platform's, the same on the server and in the browser. */
export const platformTimeZone = "Europe/Paris";

/** "10 déc. 2026, 13:00": an instant on a list, in a time zone. */
export function formatDateTime(instant: Date | string, timeZone: string, locale: string): string {
  return dateTimeFormat(locale, { timeZone, dateStyle: "medium", timeStyle: "short" }).format(
    new Date(instant),
  );
}
