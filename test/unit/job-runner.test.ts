// The job runner under a database outage, on a fake clock: one warning per outage, each job backing
// off 1 s, 2 s, 4 s … up to 30 s, and everything resuming by itself once the database answers.
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { DatabaseUnavailableError } from "#db/connection-errors.ts";
import { backoffDelay, startJobs, type Job, type RunnerLog } from "~/jobs/runner.server";

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2026-12-01T12:00:00Z") });
});
afterEach(() => {
  vi.useRealTimers();
});

const clock = () => new Date();
// What pg's pool gives when PostgreSQL refuses connections, as the app's pool wraps it.
const refused = new DatabaseUnavailableError(
  Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }),
);

function recordingLog(): RunnerLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (line) => lines.push(`warn: ${line}`), info: (line) => lines.push(`info: ${line}`) };
}

/** A job that fails with `error` while `down()` is true, recording the second of each attempt. */
function recordingJob(name: string, everyMs: number, down: () => boolean, error: unknown = refused) {
  const start = Date.now();
  const attempts: number[] = [];
  const job: Job = {
    name,
    everyMs,
    run: async () => {
      attempts.push((Date.now() - start) / 1000);
      if (down()) throw error;
    },
  };
  return { job, attempts };
}

test("the backoff doubles from 1 s and stops growing at 30 s", () => {
  expect([1, 2, 3, 4, 5, 6, 7, 20].map(backoffDelay)).toEqual([
    1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
  ]);
});

test("while the database is down a job backs off, the runner warns once, and resumes by itself", async () => {
  let down = true;
  const log = recordingLog();
  const { job, attempts } = recordingJob("deliver-emails", 2_000, () => down);
  const runner = startJobs([job], clock, log);

  await vi.advanceTimersByTimeAsync(2_000 + 1_000 + 2_000 + 4_000 + 8_000 + 16_000 + 30_000 + 30_000);
  // First run at 2 s, then 1, 2, 4, 8, 16, 30, 30 s later: 8 attempts in 93 s, not 46 at the 2 s pace.
  expect(attempts).toEqual([2, 3, 5, 9, 17, 33, 63, 93]);
  expect(log.lines).toHaveLength(1);
  expect(log.lines[0]).toMatch(/^warn: Database unreachable \(.*ECONNREFUSED.*\): jobs paused/);

  down = false;
  await vi.advanceTimersByTimeAsync(30_000);
  expect(attempts.at(-1)).toBe(123);
  expect(log.lines[1]).toBe("info: Database reachable again after 121.0 s: jobs resumed");
  // Back to its own pace.
  await vi.advanceTimersByTimeAsync(4_000);
  expect(attempts.slice(-3)).toEqual([123, 125, 127]);
  expect(log.lines).toHaveLength(2);
  await runner.stop();
});

test("once one job gets through, the jobs still waiting out their backoff run at once", async () => {
  let down = true;
  const log = recordingLog();
  const fast = recordingJob("deliver-emails", 2_000, () => down);
  const slow = recordingJob("close-campaigns", 15_000, () => down);
  const runner = startJobs([fast.job, slow.job], clock, log);

  // fast fails at 2, 3, 5, 9, 17, 33 s (next: 63 s); slow at 15, 16, 18, 22, 30, 46 s (next: 76 s).
  await vi.advanceTimersByTimeAsync(46_500);
  expect(fast.attempts).toEqual([2, 3, 5, 9, 17, 33]);
  expect(slow.attempts).toEqual([15, 16, 18, 22, 30, 46]);
  down = false;
  await vi.advanceTimersByTimeAsync(63_100 - 46_500);
  // fast gets through at 63 s; slow runs then too instead of waiting until 76 s.
  expect(fast.attempts.at(-1)).toBe(63);
  expect(slow.attempts.at(-1)).toBeCloseTo(63, 1);
  await vi.advanceTimersByTimeAsync(76_000 - 63_100);
  expect(slow.attempts).toHaveLength(7);
  expect(log.lines.filter((l) => l.includes("jobs paused"))).toHaveLength(1);
  expect(log.lines.filter((l) => l.includes("jobs resumed"))).toHaveLength(1);
  await runner.stop();
});

test("a job failing for another reason keeps its pace and is reported each time", async () => {
  const log = recordingLog();
  const { job, attempts } = recordingJob("charge-run", 5_000, () => true, new TypeError("a bug"));
  const runner = startJobs([job], clock, log);
  await vi.advanceTimersByTimeAsync(15_000);
  expect(attempts).toEqual([5, 10, 15]);
  expect(log.lines).toEqual([
    "warn: Job charge-run failed: TypeError: a bug",
    "warn: Job charge-run failed: TypeError: a bug",
    "warn: Job charge-run failed: TypeError: a bug",
  ]);
  await runner.stop();
});

test("stop() waits for the run in flight and no job runs after it", async () => {
  let finish: () => void = () => undefined;
  let runs = 0;
  const job: Job = {
    name: "slow",
    everyMs: 1_000,
    run: () => {
      runs++;
      return new Promise<void>((resolve) => (finish = resolve));
    },
  };
  const runner = startJobs([job], clock, recordingLog());
  await vi.advanceTimersByTimeAsync(1_000);
  expect(runs).toBe(1);
  let stopped = false;
  const stopping = runner.stop().then(() => (stopped = true));
  await vi.advanceTimersByTimeAsync(0);
  expect(stopped).toBe(false);
  finish();
  await stopping;
  await vi.advanceTimersByTimeAsync(10_000);
  expect(runs).toBe(1);
});
