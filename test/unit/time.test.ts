import { expect, test } from "vitest";
import {
  DAY,
  HOUR,
  MINUTE,
  campaignDeadline,
  formatInstant,
  parseLocalInput,
  zoneCity,
  fromLocal,
  isValidTimeZone,
  timeLeft,
  toLocal,
  zoneOffset,
} from "~/lib/time";
import { formatZonedInstant } from "~/lib/zoned-time.server";

const local = (
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
) => ({
  year,
  month,
  day,
  hour,
  minute,
  second,
  millisecond,
});

test("a 15-day campaign launched on 24 November ends on 8 December at 23:59:59.999 Paris time", () => {
  const deadline = campaignDeadline(new Date("2026-11-24T09:00:00Z"), 15, "Europe/Paris");
  expect(deadline.toISOString()).toBe("2026-12-08T22:59:59.999Z");
});

test("a deadline after the autumn clock change uses winter time", () => {
  // Launched in summer time (UTC+2), ends after 25 October 2026, in winter time (UTC+1).
  const deadline = campaignDeadline(new Date("2026-10-20T10:00:00Z"), 15, "Europe/Paris");
  expect(deadline.toISOString()).toBe("2026-11-03T22:59:59.999Z");
});

test("a deadline after the spring clock change uses summer time", () => {
  const deadline = campaignDeadline(new Date("2026-03-20T10:00:00Z"), 15, "Europe/Paris");
  expect(deadline.toISOString()).toBe("2026-04-03T21:59:59.999Z");
});

test("the launch day is counted in the campaign's zone, not in UTC", () => {
  // 23:30 UTC on 24 November is already 25 November in Paris.
  const deadline = campaignDeadline(new Date("2026-11-24T23:30:00Z"), 1, "Europe/Paris");
  expect(deadline.toISOString()).toBe("2026-11-25T22:59:59.999Z");
  // And still 24 November in New York.
  expect(campaignDeadline(new Date("2026-11-24T23:30:00Z"), 1, "America/New_York").toISOString()).toBe(
    "2026-11-25T04:59:59.999Z",
  );
});

test("a 60-day campaign crosses months and years", () => {
  const deadline = campaignDeadline(new Date("2026-12-01T12:00:00Z"), 60, "Europe/Paris");
  expect(deadline.toISOString()).toBe("2027-01-29T22:59:59.999Z");
});

test("a wall-clock time skipped by the spring jump resolves to just after it", () => {
  // 29 March 2026, 02:30 does not exist in Paris (02:00 → 03:00).
  expect(fromLocal(local(2026, 3, 29, 2, 30), "Europe/Paris").toISOString()).toBe("2026-03-29T01:30:00.000Z");
});

test("a wall-clock time repeated by the autumn jump resolves to its first occurrence", () => {
  // 25 October 2026, 02:30 happens twice in Paris: first at UTC+2.
  expect(fromLocal(local(2026, 10, 25, 2, 30), "Europe/Paris").toISOString()).toBe(
    "2026-10-25T00:30:00.000Z",
  );
});

test("toLocal and zoneOffset read the zone's wall clock", () => {
  const instant = new Date("2026-07-14T10:15:30.250Z");
  expect(toLocal(instant, "Europe/Paris")).toEqual(local(2026, 7, 14, 12, 15, 30, 250));
  expect(zoneOffset(instant, "Europe/Paris")).toBe(2 * HOUR);
  expect(zoneOffset(instant, "Asia/Kolkata")).toBe(5.5 * HOUR);
});

test("time left shows days, then hours, then minutes, then ended", () => {
  const deadline = new Date("2026-12-08T22:59:59.999Z");
  const before = (ms: number) => new Date(deadline.getTime() - ms);
  expect(timeLeft(before(14 * DAY + 5 * HOUR), deadline)).toEqual({ unit: "days", value: 14 });
  expect(timeLeft(before(2 * DAY), deadline)).toEqual({ unit: "days", value: 2 });
  expect(timeLeft(before(2 * DAY - 1), deadline)).toEqual({ unit: "hours", value: 47 });
  expect(timeLeft(before(HOUR), deadline)).toEqual({ unit: "hours", value: 1 });
  expect(timeLeft(before(59 * MINUTE + 1), deadline)).toEqual({ unit: "minutes", value: 60 });
  expect(timeLeft(before(1), deadline)).toEqual({ unit: "minutes", value: 1 });
  expect(timeLeft(deadline, deadline)).toEqual({ unit: "ended", value: 0 });
  expect(timeLeft(new Date(deadline.getTime() + DAY), deadline)).toEqual({ unit: "ended", value: 0 });
});

test("the deadline is shown in the campaign's zone and the reader's language, the zone named by its city in both", () => {
  const deadline = new Date("2026-12-08T22:59:59.999Z");
  expect(formatInstant(deadline, "Europe/Paris", "fr-FR")).toBe("mardi 8 décembre 2026 à 23:59");
  expect(formatInstant(deadline, "Europe/Paris", "en-GB")).toBe("Tuesday, 8 December 2026 at 23:59");
  expect(formatZonedInstant(deadline, "Europe/Paris", "fr")).toBe(
    "mardi 8 décembre 2026 à 23:59, heure de Paris",
  );
  expect(formatZonedInstant(deadline, "Europe/Paris", "en")).toBe(
    "Tuesday, 8 December 2026 at 23:59, Paris time",
  );
  expect(zoneCity("America/New_York")).toBe("New York");
  expect(zoneCity("UTC")).toBe("UTC");
});

test("a datetime-local value is read in the given zone, not the machine's; impossible ones are refused", () => {
  expect(parseLocalInput("2026-12-10T09:30", "Europe/Paris")?.toISOString()).toBe("2026-12-10T08:30:00.000Z");
  expect(parseLocalInput("2026-07-10T09:30", "Europe/Paris")?.toISOString()).toBe("2026-07-10T07:30:00.000Z");
  expect(parseLocalInput("2026-12-10T09:30:15", "America/New_York")?.toISOString()).toBe(
    "2026-12-10T14:30:15.000Z",
  );
  // Skipped when Paris clocks go forward (29 March 2026, 2:00 → 3:00): the moment after the jump.
  expect(parseLocalInput("2026-03-29T02:30", "Europe/Paris")?.toISOString()).toBe("2026-03-29T01:30:00.000Z");
  for (const bad of [
    "2026-02-30T10:00",
    "2026-13-01T10:00",
    "2026-12-10T24:00",
    "2026-12-10",
    "10/12/2026 09:30",
    "",
  ])
    expect(parseLocalInput(bad, "Europe/Paris"), bad).toBeNull();
});

test("time zones are checked against the IANA database", () => {
  expect(isValidTimeZone("Europe/Paris")).toBe(true);
  expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
});
