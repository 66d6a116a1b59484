// Issue #16 part 5, budget lines (docs/decisions/041): the owner lists what the money buys (added,
// edited, moved, removed through the editor, each change one transaction, only by the campaign's
// owner), and the campaign page says which lines the money raised so far covers, in order, from the
// same total as the progress bar.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import {
  addBudgetLine,
  moveBudgetLine,
  removeBudgetLine,
  setBudgetLineTranslation,
  updateBudgetLine,
} from "~/campaigns/budget-lines.server";
import { getCampaignPage } from "~/campaigns/campaigns.server";
import { budgetCoverage } from "~/lib/budget";
import { action as manageAction } from "~/routes/manage.campaigns.$id";
import { testContext } from "../support/context";
import { createCampaign, createUser, ownerActor } from "../support/factories";
import { committedPledge } from "../support/ledger";
import { callRoute } from "../support/routes";
import { signedInAs } from "../support/users";
import { useTestDatabase } from "../support/database";

const siteUrl = "http://localhost:3000";
const database = useTestDatabase();
const now = new Date("2026-11-30T10:00:00.000Z");

async function labels(campaignId: string) {
  const rows = await database()
    .db.selectFrom("campaign_budget_lines")
    .select(["label", "amount"])
    .where("campaign_id", "=", campaignId)
    .orderBy("position")
    .execute();
  return rows.map((r) => `${r.label}: ${Number(r.amount)}`);
}

/** The editor's action, posted by a signed-in person to a campaign's editor. */
async function editorPoster(email: string, campaignId: string) {
  const context = testContext(database());
  const user = await signedInAs(context, email);
  const post = (form: Record<string, string>) =>
    callRoute<{ intent: string; errors: Record<string, string>; values: Record<string, string> }>(
      manageAction,
      {
        url: `http://localhost/manage/campaigns/${campaignId}`,
        params: { id: campaignId },
        context,
        form: { ...form, csrf: user.csrf },
        headers: { Cookie: user.cookie },
      },
    );
  return { userId: user.id, post };
}

async function ownedCampaign(values: Parameters<typeof createCampaign>[1] = {}) {
  const email = `budget-${randomUUID()}@example.org`;
  const ownerId = await createUser(database().db, { email });
  const id = await createCampaign(database().db, { owner_id: ownerId, ...values });
  return { id, ownerId, ...(await editorPoster(email, id)) };
}

const lineIds = async (campaignId: string) =>
  (
    await database()
      .db.selectFrom("campaign_budget_lines")
      .select("id")
      .where("campaign_id", "=", campaignId)
      .orderBy("position")
      .execute()
  ).map((r) => r.id);

test("the owner adds, edits, moves and removes budget lines through the editor, even once live", async () => {
  const { id, post } = await ownedCampaign();
  for (const [label, amount] of [
    ["Loyer, trois premiers mois", "4 500"],
    ["Découpeuse laser", "6 000"],
    ["Outillage", "1 250,50"],
  ]) {
    const added = await post({ intent: "add-budget", label: label!, amount: amount! });
    expect(added.location).toBe(`/manage/campaigns/${id}?notice=saved`);
  }
  expect(await labels(id)).toEqual([
    "Loyer, trois premiers mois: 450000",
    "Découpeuse laser: 600000",
    "Outillage: 125050",
  ]);
  const [rent, laser, tools] = await lineIds(id);
  await post({ intent: "move-budget", lineId: tools!, direction: "up" });
  await post({ intent: "move-budget", lineId: rent!, direction: "up" }); // already first: nothing
  await post({ intent: "move-budget", lineId: laser!, direction: "down" }); // already last: nothing
  expect(await labels(id)).toEqual([
    "Loyer, trois premiers mois: 450000",
    "Outillage: 125050",
    "Découpeuse laser: 600000",
  ]);
  await post({
    intent: "update-budget",
    lineId: laser!,
    label: "Découpeuse laser d'occasion",
    amount: "5000",
  });
  await post({ intent: "remove-budget", lineId: tools! });
  expect(await labels(id)).toEqual([
    "Loyer, trois premiers mois: 450000",
    "Découpeuse laser d'occasion: 500000",
  ]);
});

test("a label or amount refused shows its error at its field, keeps what was typed, and saves nothing", async () => {
  const { id, post } = await ownedCampaign();
  for (const [form, field, message] of [
    [{ label: "L", amount: "100" }, "label", "editor.error.budgetLabel"],
    [{ label: "Loyer", amount: "" }, "amount", "editor.error.budgetAmount"],
    [{ label: "Loyer", amount: "0" }, "amount", "editor.error.budgetAmount"],
    [{ label: "Loyer", amount: "-5" }, "amount", "money.error.negative"],
    [{ label: "Loyer", amount: "12,345" }, "amount", "money.error.ambiguous"],
    [{ label: "Loyer", amount: "1.234" }, "amount", "money.error.ambiguous"],
    [{ label: "Loyer", amount: "deux mille" }, "amount", "editor.error.budgetAmount"],
    [{ label: "x".repeat(121), amount: "100" }, "label", "editor.error.budgetLabel"],
  ] as const) {
    const refused = await post({ intent: "add-budget", ...form });
    expect(refused.status, JSON.stringify(form)).toBe(400);
    expect(refused.data?.errors[field], JSON.stringify(form)).toBe(message);
    expect(refused.data?.values.amount).toBe(form.amount);
  }
  expect(await labels(id)).toEqual([]);
});

test("only the campaign's owner changes its budget, and only the lines of that campaign", async () => {
  const { id, ownerId } = await ownedCampaign();
  const lineId = await addBudgetLine(
    database().db,
    { campaignId: id, actor: ownerActor(ownerId) },
    { label: "Loyer", amount: 450_000 },
    now,
  );
  // Someone else, through the editor: refused before anything is read.
  const stranger = await editorPoster(`stranger-${randomUUID()}@example.org`, id);
  const refused = await stranger
    .post({ intent: "add-budget", label: "Chez moi", amount: "10" })
    .catch((e: unknown) => e);
  expect(refused instanceof Response ? refused.status : (refused as { status: number }).status).toBe(403);
  // And through the commands, whoever calls them.
  const strangerActor = ownerActor(stranger.userId);
  await expect(
    updateBudgetLine(
      database().db,
      { campaignId: id, actor: strangerActor, lineId },
      { label: "Pris", amount: 1 },
    ),
  ).rejects.toMatchObject({ code: "forbidden" });
  await expect(
    removeBudgetLine(database().db, { campaignId: id, actor: strangerActor, lineId }),
  ).rejects.toThrow();
  // The owner of another campaign cannot reach this line through their own campaign.
  const other = await ownedCampaign();
  await expect(
    moveBudgetLine(database().db, { campaignId: other.id, actor: ownerActor(other.ownerId), lineId }, "up"),
  ).rejects.toMatchObject({ code: "budget_line_not_found" });
  const answer = await other.post({ intent: "remove-budget", lineId });
  expect(answer.status).toBe(404);
  expect(await labels(id)).toEqual(["Loyer: 450000"]);
});

test("coverage: the raised total pays the lines in order, each in full before the next", () => {
  const lines = [
    { id: "rent", amount: 450_000 },
    { id: "laser", amount: 600_000 },
    { id: "tools", amount: 200_000 },
  ];
  const rows: [number, string][] = [
    [0, "rent none 0 | laser none 0 | tools none 0"],
    [1, "rent partial 1 | laser none 0 | tools none 0"],
    [449_999, "rent partial 449999 | laser none 0 | tools none 0"],
    [450_000, "rent covered 450000 | laser none 0 | tools none 0"],
    [700_000, "rent covered 450000 | laser partial 250000 | tools none 0"],
    [1_050_000, "rent covered 450000 | laser covered 600000 | tools none 0"],
    [1_250_000, "rent covered 450000 | laser covered 600000 | tools covered 200000"],
    [9_999_999, "rent covered 450000 | laser covered 600000 | tools covered 200000"],
    [-5, "rent none 0 | laser none 0 | tools none 0"],
  ];
  for (const [raised, expected] of rows)
    expect(
      budgetCoverage(lines, raised)
        .map((c) => `${c.line.id} ${c.state} ${c.covered}`)
        .join(" | "),
      String(raised),
    ).toBe(expected);
});

test("the public page lists the lines in order, in the reader's language, beside the total its bar shows", async () => {
  const { id, ownerId } = await ownedCampaign();
  const actor = ownerActor(ownerId);
  const rent = await addBudgetLine(
    database().db,
    { campaignId: id, actor },
    { label: "Loyer", amount: 4_500_00 },
    now,
  );
  await addBudgetLine(
    database().db,
    { campaignId: id, actor },
    { label: "Découpeuse laser", amount: 6_000_00 },
    now,
  );
  await setBudgetLineTranslation(database().db, { campaignId: id, actor, lineId: rent }, { label: "Rent" });
  await committedPledge(database().db, id, 5_000_00, now);
  const slug = (
    await database().db.selectFrom("campaigns").select("slug").where("id", "=", id).executeTakeFirstOrThrow()
  ).slug;
  const fr = await getCampaignPage(database().db, { slug, locale: "fr", now, siteUrl });
  const en = await getCampaignPage(database().db, { slug, locale: "en", now, siteUrl });
  expect(fr?.budgetLines.map((l) => l.label)).toEqual(["Loyer", "Découpeuse laser"]);
  expect(en?.budgetLines.map((l) => l.label)).toEqual(["Rent", "Découpeuse laser"]);
  expect(fr?.progress.raised).toBe(5_000_00);
  const coverage = budgetCoverage(fr!.budgetLines, fr!.progress.raised);
  expect(coverage.map((c) => [c.state, c.covered])).toEqual([
    ["covered", 4_500_00],
    ["partial", 500_00],
  ]);
  // An empty translation gives the owner's label back; removing a line removes its translation.
  await setBudgetLineTranslation(database().db, { campaignId: id, actor, lineId: rent }, { label: "" });
  expect(
    (await getCampaignPage(database().db, { slug, locale: "en", now, siteUrl }))?.budgetLines[0]?.label,
  ).toBe("Loyer");
  await setBudgetLineTranslation(database().db, { campaignId: id, actor, lineId: rent }, { label: "Rent" });
  await removeBudgetLine(database().db, { campaignId: id, actor, lineId: rent });
  const left = await database()
    .db.selectFrom("content_translations")
    .select("subject_id")
    .where("subject_type", "=", "budget_line")
    .where("subject_id", "=", rent)
    .execute();
  expect(left).toEqual([]);
});
