// Live progress: one poll per interval whatever the number of listeners, changes fanned out to all,
// and the Server-Sent Events route streaming them.
import { expect, test, vi } from "vitest";
import { createProgressHub, type LiveProgress } from "~/campaigns/live.server";
import { loader } from "~/routes/campaigns.$slug.live";
import { testContext } from "../support/context";
import { createCampaign } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();

test("a hundred listeners cost one query per poll, and each sees each change once", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { goal_amount: 100_000 });
  const hub = createProgressHub(db, { intervalMs: 60_000 });
  const seen: LiveProgress[][] = Array.from({ length: 100 }, () => []);
  const unsubscribes = seen.map((list) => hub.subscribe(campaign, (p) => p && list.push(p)));
  const select = vi.spyOn(db, "selectFrom");

  await hub.poll();
  expect(select).toHaveBeenCalledTimes(1);
  await hub.poll(); // nothing changed: nobody is called again
  await db
    .updateTable("campaigns")
    .set({ pledged_amount: 25_000, backer_count: 3 })
    .where("id", "=", campaign)
    .execute();
  await hub.poll();
  expect(select).toHaveBeenCalledTimes(3);
  for (const list of seen) {
    expect(list.map((p) => [p.raised, p.percent, p.backers])).toEqual([
      [0, 0, 0],
      [25_000, 25, 3],
    ]);
  }
  for (const unsubscribe of unsubscribes) unsubscribe();
  expect(hub.listenerCount()).toBe(0);
  expect(await hub.poll()).toBe(0);
  hub.close();
});

test("the hub polls by itself every interval while someone listens", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { goal_amount: 100_000 });
  const hub = createProgressHub(db, { intervalMs: 20 });
  const received: number[] = [];
  hub.subscribe(campaign, (p) => p && received.push(p.raised));
  // Its first poll, on its own, sends what the campaign has now.
  await vi.waitFor(() => expect(received).toEqual([0]), { timeout: 2_000 });
  await db.updateTable("campaigns").set({ pledged_amount: 4_200 }).where("id", "=", campaign).execute();
  await vi.waitFor(() => expect(received).toContain(4_200), { timeout: 2_000 });
  hub.close();
});

test("the stream sends the progress at once, then each change, and ends when the hub closes", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, {
    slug: "live",
    goal_amount: 1_500_000,
    pledged_amount: 600_000,
    backer_count: 90,
  });
  const hub = createProgressHub(db, { intervalMs: 60_000 });
  const response = (await loader({
    request: new Request("http://localhost/campaigns/live/live"),
    params: { slug: "live" },
    context: testContext(database(), { live: hub }),
  })) as Response;
  expect(response.headers.get("Content-Type")).toBe("text/event-stream; charset=utf-8");
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const readUntil = async (needle: string) => {
    while (!text.includes(needle)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
  };
  await readUntil('"backers":90');
  expect(text).toContain(
    'event: progress\ndata: {"raised":600000,"goal":1500000,"currency":"EUR","percent":40,"backers":90,"status":"live"}',
  );
  await db
    .updateTable("campaigns")
    .set({ pledged_amount: 605_000, backer_count: 91 })
    .where("id", "=", campaign)
    .execute();
  await hub.poll();
  await readUntil('"backers":91');
  expect(text).toContain('"raised":605000');
  hub.close();
  // The stream must end by itself (a server stopping would otherwise wait on it forever).
  const ended = await Promise.race([
    (async () => {
      let result = await reader.read();
      while (!result.done) result = await reader.read();
      return "ended";
    })(),
    new Promise((resolve) => setTimeout(() => resolve("still open"), 2_000)),
  ]);
  expect(ended).toBe("ended");
});
