// The owner's dashboard on a real database: the funding curve (summed by hour or day in SQL), the
// hint, the pledges a page at a time (keyset) under every filter, and the CSV export in chunks.
import { expect, test } from "vitest";
import {
  backerCsvRow,
  backersCsv,
  backersCsvFormat,
  backersCsvHeader,
  backersToGoal,
  curveBucketFor,
  curveSliceEdges,
  fundingCurve,
  pledgePage,
  type PledgeFilter,
} from "~/campaigns/dashboard.server";
import { csvLine } from "~/lib/csv";
import type { PledgeStatus } from "#db/schema.ts";
import { createCampaign, createPledge, createTier } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();

const fifteenDays = { launched_at: "2026-11-23T10:00:00.000Z", deadline_at: "2026-12-08T09:59:59.999Z" };

test("the curve is the running total of counted pledges in the order they were committed", async () => {
  const { db, engine } = database();
  const campaign = await createCampaign(db);
  await createPledge(db, campaign, { amount: 2_000, committed_at: "2026-11-25T10:00:00.000Z" });
  await createPledge(db, campaign, { amount: 5_000, committed_at: "2026-11-24T10:00:00.000Z" });
  await createPledge(db, campaign, {
    amount: 9_999,
    status: "canceled",
    committed_at: "2026-11-24T12:00:00.000Z",
  });
  await createPledge(db, campaign, {
    amount: 3_000,
    refunded_amount: 1_000,
    status: "collected",
    committed_at: "2026-11-26T10:00:00.000Z",
  });
  expect(await fundingCurve(db, engine, { id: campaign, ...fifteenDays })).toEqual([
    { at: "2026-11-24T10:00:00.000Z", amount: 5_000, cumulative: 5_000 },
    { at: "2026-11-25T10:00:00.000Z", amount: 2_000, cumulative: 7_000 },
    { at: "2026-11-26T10:00:00.000Z", amount: 2_000, cumulative: 9_000 },
  ]);
});

test("a campaign of up to 15 days is drawn by the hour, a longer one by the day", () => {
  expect(curveBucketFor(fifteenDays)).toBe("hour");
  expect(
    curveBucketFor({ launched_at: fifteenDays.launched_at, deadline_at: "2026-12-08T10:00:00.001Z" }),
  ).toBe("day");
  expect(curveBucketFor({ launched_at: null, deadline_at: null })).toBe("hour");
});

test("the curve's buckets (hours, days) each sum their pledges, and together make the total", async () => {
  const { db, engine } = database();
  const campaign = await createCampaign(db);
  const other = await createCampaign(db);
  await createPledge(db, other, { amount: 77_700, committed_at: "2026-11-24T10:30:00.000Z" });
  const pledges: { at: string; amount: number; refunded?: number; status?: PledgeStatus }[] = [
    { at: "2026-11-24T10:00:00.000Z", amount: 1_000 },
    { at: "2026-11-24T10:59:59.999Z", amount: 2_000 },
    { at: "2026-11-24T11:00:00.000Z", amount: 4_000, refunded: 500, status: "collected" },
    { at: "2026-11-24T23:59:59.999Z", amount: 8_000, status: "payment_failed" },
    { at: "2026-11-24T23:30:00.000Z", amount: 16_000, status: "refunded", refunded: 16_000 },
    { at: "2026-11-25T00:00:00.000Z", amount: 32_000 },
    { at: "2026-11-25T00:10:00.000Z", amount: 64_000, status: "dropped" },
    { at: "2026-11-27T09:00:00.000Z", amount: 128_000, status: "collected" },
    // Either side of the first cut of the sums (2026-11-27T03:00 by the hour, 00:00 by the day),
    // and outside the campaign's dates: each counted once, in its own bucket.
    { at: "2026-11-26T23:59:59.999Z", amount: 256 },
    { at: "2026-11-27T02:59:59.999Z", amount: 512 },
    { at: "2026-11-27T03:00:00.000Z", amount: 1_024 },
    { at: "2026-11-22T08:00:00.000Z", amount: 2_048 },
    { at: "2026-12-09T12:00:00.000Z", amount: 4_096 },
  ];
  for (const p of pledges)
    await createPledge(db, campaign, {
      amount: p.amount,
      refunded_amount: p.refunded ?? 0,
      status: p.status ?? "committed",
      committed_at: p.at,
    });
  // One pending checkout never committed: not on the curve.
  await createPledge(db, campaign, { amount: 256_000, status: "pending", committed_at: null });

  const counted = pledges.filter((p) =>
    ["committed", "collected", "payment_failed"].includes(p.status ?? "committed"),
  );
  const total = counted.reduce((n, p) => n + p.amount - (p.refunded ?? 0), 0);
  const expected = (length: number) => {
    const buckets = new Map<string, { at: string; amount: number }>();
    for (const p of counted) {
      const key = p.at.slice(0, length);
      const bucket = buckets.get(key) ?? { at: p.at, amount: 0 };
      bucket.amount += p.amount - (p.refunded ?? 0);
      if (p.at > bucket.at) bucket.at = p.at;
      buckets.set(key, bucket);
    }
    let cumulative = 0;
    return [...buckets.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, b]) => ({ at: b.at, amount: b.amount, cumulative: (cumulative += b.amount) }));
  };

  const hourly = await fundingCurve(db, engine, { id: campaign, ...fifteenDays }, "hour");
  expect(hourly).toEqual(expected(13));
  expect(hourly).toHaveLength(10);
  expect(hourly.at(-1)?.cumulative).toBe(total);
  expect(hourly.reduce((n, p) => n + p.amount, 0)).toBe(total);

  const daily = await fundingCurve(db, engine, { id: campaign, ...fifteenDays }, "day");
  expect(daily).toEqual(expected(10));
  expect(daily.map((p) => p.amount)).toEqual([
    2_048,
    1_000 + 2_000 + 3_500 + 8_000,
    32_000,
    256,
    128_000 + 512 + 1_024,
    4_096,
  ]);
  expect(daily.at(-1)?.cumulative).toBe(total);
});

test("the curve's sums are cut on bucket boundaries, in about equal parts of the campaign", () => {
  expect(curveSliceEdges(fifteenDays, "hour")).toEqual([
    "2026-11-27T03:00:00.000Z",
    "2026-11-30T21:00:00.000Z",
    "2026-12-04T15:00:00.000Z",
  ]);
  expect(curveSliceEdges(fifteenDays, "day")).toEqual([
    "2026-11-27T00:00:00.000Z",
    "2026-11-30T00:00:00.000Z",
    "2026-12-04T00:00:00.000Z",
  ]);
  // A campaign shorter than its parts: no cut twice, none at the launch.
  expect(
    curveSliceEdges(
      { launched_at: "2026-11-23T10:20:00.000Z", deadline_at: "2026-11-23T12:00:00.000Z" },
      "hour",
    ),
  ).toEqual(["2026-11-23T11:00:00.000Z"]);
  expect(curveSliceEdges({ launched_at: null, deadline_at: null }, "hour")).toEqual([]);
});

test("the hint counts the backers still needed at the average pledge", () => {
  expect(backersToGoal(612_000, 1_500_000, 97)).toBe(141);
  expect(backersToGoal(1_500_000, 1_500_000, 97)).toBe(0);
  expect(backersToGoal(0, 1_500_000, 0)).toBe(0);
});

/** Every page, following `older` from the first, then `newer` back from the last. */
async function walk(
  db: ReturnType<typeof database>["db"],
  campaign: string,
  filter: PledgeFilter,
  limit: number,
) {
  const forward: { ids: string[]; newer: string | null; older: string | null }[] = [];
  let after: string | null = null;
  do {
    const page = await pledgePage(db, campaign, { filter, after, limit });
    forward.push({ ids: page.pledges.map((p) => p.id), newer: page.newer, older: page.older });
    after = page.older;
    expect(forward.length).toBeLessThan(50);
  } while (after);
  const backward: string[][] = [];
  let before = forward.at(-1)!.newer;
  while (before) {
    const page = await pledgePage(db, campaign, { filter, before, limit });
    backward.unshift(page.pledges.map((p) => p.id));
    before = page.newer;
    expect(backward.length).toBeLessThan(50);
  }
  return { forward, backward };
}

test("keyset pages list every pledge exactly once, newest first, under each filter, both ways", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  const other = await createCampaign(db);
  const atelier = await createTier(db, campaign, { title: "Atelier" });
  const merci = await createTier(db, campaign, { title: "Merci", position: 1 });
  await createPledge(db, other, { created_at: "2026-11-24T12:00:00.000Z" });
  const statuses: PledgeStatus[] = [
    "committed",
    "collected",
    "payment_failed",
    "dropped",
    "refunded",
    "canceled",
    "pending",
    "expired",
  ];
  const made: { id: string; created_at: string; status: PledgeStatus; tier_id: string | null }[] = [];
  for (let i = 0; i < 31; i++) {
    // Several pledges share each instant: the id breaks the tie, so none is skipped or repeated.
    const created_at = new Date(Date.UTC(2026, 10, 24, 12, Math.floor(i / 4))).toISOString();
    const status = statuses[i % statuses.length]!;
    const tier_id = [atelier, merci, null][i % 3]!;
    const id = await createPledge(db, campaign, { created_at, status, tier_id, backer_name: `B${i}` });
    made.push({ id, created_at, status, tier_id });
  }
  const filters: PledgeFilter[] = [
    {},
    { tierId: atelier },
    { status: "committed" },
    { tierId: merci, status: "collected" },
    { tierId: merci, status: "expired" },
  ];
  for (const filter of filters) {
    const expected = made.filter(
      (p) =>
        p.status !== "pending" &&
        p.status !== "expired" &&
        (!filter.tierId || p.tier_id === filter.tierId) &&
        (!filter.status || p.status === filter.status),
    );
    for (const limit of [1, 4, 100]) {
      const { forward, backward } = await walk(db, campaign, filter, limit);
      const listed = forward.flatMap((p) => p.ids);
      expect(new Set(listed).size, JSON.stringify(filter)).toBe(listed.length);
      expect([...listed].sort()).toEqual(expected.map((p) => p.id).sort());
      // Newest first.
      const times = listed.map((id) => made.find((p) => p.id === id)!.created_at);
      expect(times).toEqual([...times].sort().reverse());
      expect(forward[0]!.newer).toBeNull();
      expect(forward.at(-1)!.older).toBeNull();
      expect(forward.slice(0, -1).every((p) => p.ids.length === limit)).toBe(true);
      // Back from the last page: the same pages, in the same order.
      expect(backward).toEqual(forward.slice(0, -1).map((p) => p.ids));
    }
  }
  // A cursor past the end shows nothing, and offers the way back.
  const first = await pledgePage(db, campaign, { limit: 100 });
  const oldest = first.pledges.at(-1)!;
  const beyond = await pledgePage(db, campaign, { after: `${oldest.created_at}_${oldest.id}` });
  expect(beyond.pledges).toEqual([]);
  expect(beyond.older).toBeNull();
  expect(beyond.newer).toBe(`${oldest.created_at}_${oldest.id}`);
});

async function collect(chunks: AsyncGenerator<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

test("the CSV lists backers safely for spreadsheets", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  const tier = await createTier(db, campaign, { title: "Atelier", shipping_required: 1 });
  await createPledge(db, campaign, {
    tier_id: tier,
    backer_name: 'Zoé, "la fée"',
    backer_email: "zoe@example.org",
    amount: 4_050,
    comment: '=HYPERLINK("x")',
  });
  await createPledge(db, campaign, {
    backer_name: "Paul",
    backer_email: "paul@example.org",
    status: "dropped",
  });
  await createPledge(db, campaign, {
    backer_name: "Léa",
    backer_email: "lea@example.org",
    comment: "Bravo ;\r\nà bientôt",
    amount: 3_000,
    refunded_amount: 1_250,
    status: "collected",
  });
  await createPledge(db, campaign, { backer_name: "Caché", status: "pending" });
  // English: RFC 4180, the columns' machine names; the date is the campaign's wall clock (Paris).
  const csv = (await collect(backersCsv(db, campaign, backersCsvFormat("en", "Europe/Paris")))).join("");
  expect(
    csv.startsWith(
      "name,email,tier,amount,currency,status,shipping_needed,delivery,recipient,address_line1,address_line2,postal_code,city,country,shipping,comment,date\r\n",
    ),
  ).toBe(true);
  expect(csv).toContain(
    '\r\n"Zoé, ""la fée""",zoe@example.org,Atelier,40.50,EUR,committed,yes,,,,,,,,,"\'=HYPERLINK(""x"")",2026-11-24 11:00\r\n',
  );
  expect(csv).toContain("\r\nPaul,paul@example.org,,25.00,EUR,dropped,no,,,,,,,,,,2026-11-24 11:00\r\n");
  // A line break inside a field stays inside its quotes (RFC 4180).
  expect(csv).toContain(
    '\r\nLéa,lea@example.org,,17.50,EUR,collected,no,,,,,,,,,"Bravo ;\r\nà bientôt",2026-11-24 11:00\r\n',
  );
  expect(csv).not.toContain("Caché");
  expect(csv.endsWith("\r\n")).toBe(true);

  // French, as Excel set to French opens it: a BOM, `;`, decimal commas, words for the headers and
  // statuses; the same quoting and formula guard.
  const fr = (await collect(backersCsv(db, campaign, backersCsvFormat("fr", "Europe/Paris")))).join("");
  expect(
    fr.startsWith(
      "\uFEFFNom;E-mail;Contrepartie;Montant;Devise;État;Envoi postal;Livraison;Destinataire;Adresse;Complément d'adresse;Code postal;Ville;Pays;Frais de port;Mot du contributeur;Date\r\n",
    ),
  ).toBe(true);
  expect(fr).toContain(
    '\r\n"Zoé, ""la fée""";zoe@example.org;Atelier;40,50;EUR;Confirmée : carte enregistrée;oui;;;;;;;;;"\'=HYPERLINK(""x"")";2026-11-24 11:00\r\n',
  );
  expect(fr).toContain("\r\nPaul;paul@example.org;;25,00;EUR;Abandonnée;non;;;;;;;;;;2026-11-24 11:00\r\n");
  expect(fr).toContain(
    '\r\nLéa;lea@example.org;;17,50;EUR;Payée;non;;;;;;;;;"Bravo ;\r\nà bientôt";2026-11-24 11:00\r\n',
  );
  // In another zone, the same instant is that zone's wall clock.
  const tokyo = (await collect(backersCsv(db, campaign, backersCsvFormat("en", "Asia/Tokyo")))).join("");
  expect(tokyo).toContain(",2026-11-24 19:00\r\n");
});

test("the CSV comes in chunks read by keyset, and is every listed pledge once, in the listing's order", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  const other = await createCampaign(db);
  await createPledge(db, other, { backer_name: "Ailleurs" });
  for (let i = 0; i < 11; i++)
    await createPledge(db, campaign, {
      backer_name: `Backer ${i}`,
      backer_email: `b${i}@example.org`,
      amount: 1_000 + i,
      // Ties on created_at across the chunks' edges.
      created_at: new Date(Date.UTC(2026, 10, 24, 12, Math.floor(i / 3))).toISOString(),
      status: i === 5 ? "expired" : i === 6 ? "refunded" : "committed",
    });
  const format = backersCsvFormat("en", "Europe/Paris");
  const chunks = await collect(backersCsv(db, campaign, format, { chunkRows: 3 }));
  // The header, then 10 backers three at a time.
  expect(chunks.map((c) => c.split("\r\n").length - 1)).toEqual([1, 3, 3, 3, 1]);
  const all = await pledgePage(db, campaign, { limit: 1_000 });
  expect(all.pledges).toHaveLength(10);
  expect(chunks.join("")).toBe(
    csvLine(backersCsvHeader) + all.pledges.map((p) => csvLine(backerCsvRow(p, format))).join(""),
  );
  expect(chunks.join("")).not.toContain("Ailleurs");
  // Exactly a multiple of the chunk: no empty chunk at the end.
  const ten = await collect(backersCsv(db, campaign, format, { chunkRows: 5 }));
  expect(ten.map((c) => c.split("\r\n").length - 1)).toEqual([1, 5, 5]);
  expect(await collect(backersCsv(db, other, format, { chunkRows: 5 }))).toHaveLength(2);
});
