// Live progress pushed on commit: the process that commits tells its hub at once (the poll set to a
// minute here never runs), a rollback tells nothing, and on PostgreSQL another instance's commit
// arrives by NOTIFY, through a LISTEN connection that comes back after being killed.
import { expect, test, vi } from "vitest";
import { sql } from "kysely";
import type { ListenHandlers } from "#db/listen.ts";
import { openDatabase } from "#db/connection.ts";
import { createProgressHub, type LiveProgress } from "~/campaigns/live.server";
import { closeCampaignIfDue } from "~/campaigns/closing.server";
import { inTransaction } from "~/lib/db.server";
import { commitPledge, startPledge } from "~/pledges/pledges.server";
import { createCampaign, pledgeRequest } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-11-30T10:00:00.000Z");
const minute = 60_000;
const postgresOnly = test.runIf(process.env.TEST_ENGINE === "postgres");

async function pledge(campaignId: string, amount: number) {
  const { db } = database();
  const started = await startPledge(db, pledgeRequest(campaignId, amount), now);
  return started.id;
}

function watch(hub: ReturnType<typeof createProgressHub>, campaignId: string) {
  const seen: LiveProgress[] = [];
  const unsubscribe = hub.subscribe(campaignId, (progress) => progress && seen.push(progress));
  return { seen, raised: () => seen.map((p) => p.raised), unsubscribe };
}

test("a committed pledge reaches the page at once, without waiting for the poll", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { goal_amount: 100_000 });
  const hub = createProgressHub(db, { intervalMs: minute, listeningIntervalMs: minute });
  const page = watch(hub, campaign);
  const id = await pledge(campaign, 2_500);
  const started = performance.now();
  expect(await commitPledge(db, id, {}, now)).toBe("committed");
  await vi.waitFor(() => expect(page.raised()).toEqual([2_500]), { timeout: 1_000, interval: 5 });
  expect(performance.now() - started).toBeLessThan(1_000);
  expect(page.seen[0]).toMatchObject({ raised: 2_500, backers: 1, percent: 2, status: "live" });
  hub.close();
});

test("a rolled-back pledge tells the page nothing; the next commit does", async () => {
  const { db, listen } = database();
  const campaign = await createCampaign(db, { goal_amount: 100_000 });
  const hub = createProgressHub(db, { intervalMs: minute, listeningIntervalMs: minute, listen });
  const page = watch(hub, campaign);
  try {
    if (listen) await vi.waitFor(() => expect(hub.listening()).toBe(true), { timeout: 5_000 });
    const first = await pledge(campaign, 3_000);
    await expect(
      inTransaction(db, async (trx) => {
        await commitPledge(trx, first, {}, now);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(page.seen).toEqual([]);
    // The same pledge, committed for real this time.
    await commitPledge(db, first, {}, now);
    await vi.waitFor(() => expect(page.raised()).toEqual([3_000]), { timeout: 1_000, interval: 5 });
  } finally {
    hub.close();
  }
});

test("a burst of commits makes few reads and ends on the last numbers", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { goal_amount: 100_000 });
  const ids = [];
  for (let i = 0; i < 10; i++) ids.push(await pledge(campaign, 1_000));
  const hub = createProgressHub(db, { intervalMs: minute, listeningIntervalMs: minute });
  const page = watch(hub, campaign);
  for (const id of ids) await commitPledge(db, id, {}, now);
  await vi.waitFor(() => expect(page.raised().at(-1)).toBe(10_000), { timeout: 2_000, interval: 5 });
  expect(page.seen.length).toBeLessThan(5);
  expect(page.seen.at(-1)).toMatchObject({ backers: 10 });
  // Unsubscribing twice counts once: the open-streams gauge reads this.
  expect(hub.listenerCount()).toBe(1);
  page.unsubscribe();
  page.unsubscribe();
  expect(hub.listenerCount()).toBe(0);
  hub.close();
});

test("a campaign closed at its deadline shows its outcome on the page at once", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, {
    goal_amount: 100_000,
    deadline_at: "2026-11-30T09:00:00.000Z",
  });
  const hub = createProgressHub(db, { intervalMs: minute, listeningIntervalMs: minute });
  const page = watch(hub, campaign);
  expect(await closeCampaignIfDue(db, campaign, now)).toBe("failed");
  await vi.waitFor(() => expect(page.seen.map((p) => p.status)).toEqual(["failed"]), {
    timeout: 1_000,
    interval: 5,
  });
  hub.close();
});

postgresOnly("another instance's commit arrives by NOTIFY", async () => {
  const first = database();
  const hub = createProgressHub(first.db, {
    intervalMs: minute,
    listeningIntervalMs: minute,
    listen: first.listen,
  });
  const campaign = await createCampaign(first.db, { goal_amount: 100_000 });
  const page = watch(hub, campaign);
  await vi.waitFor(() => expect(hub.listening()).toBe(true), { timeout: 5_000 });
  // Another instance: its own pool, and no in-process signal (a plain update, as any writer's).
  const other = openDatabase(first.url);
  try {
    await other.db
      .updateTable("campaigns")
      .set({ pledged_amount: 40_000, backer_count: 7 })
      .where("id", "=", campaign)
      .execute();
    await vi.waitFor(() => expect(page.raised()).toEqual([40_000]), { timeout: 1_000, interval: 5 });
    // A change to other columns notifies nothing.
    await other.db.updateTable("campaigns").set({ tagline: "Encore" }).where("id", "=", campaign).execute();
    // Nor does a rolled-back one.
    await other.db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable("campaigns").set({ backer_count: 99 }).where("id", "=", campaign).execute();
        throw new Error("rollback");
      })
      .catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(page.raised()).toEqual([40_000]);
  } finally {
    hub.close();
    await other.db.destroy();
  }
});

postgresOnly(
  "the hub survives its LISTEN connection being killed: it polls, then listens again",
  async () => {
    const first = database();
    const states: boolean[] = [];
    const hub = createProgressHub(first.db, {
      intervalMs: 100,
      listeningIntervalMs: minute,
      listen: (channel, handlers: ListenHandlers) =>
        first.listen!(channel, {
          onNotify: handlers.onNotify,
          onState: (listening) => {
            states.push(listening);
            handlers.onState?.(listening);
          },
        }),
    });
    const campaign = await createCampaign(first.db, { goal_amount: 100_000 });
    const page = watch(hub, campaign);
    await vi.waitFor(() => expect(states).toEqual([true]), { timeout: 5_000 });
    const other = openDatabase(first.url);
    const set = (pledged_amount: number) =>
      other.db.updateTable("campaigns").set({ pledged_amount }).where("id", "=", campaign).execute();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const { rows } = await sql<{ killed: boolean }>`
      select pg_terminate_backend(pid) as killed from pg_stat_activity
      where datname = current_database() and application_name like 'tour-de-table listen%'
    `.execute(other.db);
      expect(rows).toEqual([{ killed: true }]);
      await vi.waitFor(() => expect(states).toEqual([true, false]), { timeout: 2_000, interval: 5 });
      // While it is down, the poll (every 100 ms then) brings the change.
      await set(10_000);
      await vi.waitFor(() => expect(page.raised()).toContain(10_000), { timeout: 2_000, interval: 5 });
      // It comes back by itself, and NOTIFY brings the next change (the poll is a minute again).
      await vi.waitFor(() => expect(states).toEqual([true, false, true]), { timeout: 5_000 });
      await new Promise((resolve) => setTimeout(resolve, 150)); // let a poll already due go by
      await set(20_000);
      const started = performance.now();
      await vi.waitFor(() => expect(page.raised().at(-1)).toBe(20_000), { timeout: 1_000, interval: 5 });
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(warn.mock.calls.map(([line]) => String(line)).join("\n")).toMatch(
        /LISTEN campaign_progress lost/,
      );
    } finally {
      warn.mockRestore();
      hub.close();
      await other.db.destroy();
    }
  },
);
