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

/** "mardi 8 décembre 2026 à 23:59 UTC+1": the deadline as people in the campaign's zone read it. */
export function formatInstant(instant: Date, timeZone: string, locale: string): string {
  return dateTimeFormat(locale, {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(instant);
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
