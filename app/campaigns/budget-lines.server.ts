// Budget lines (#16, docs/decisions/041): what the money buys, listed by the owner in the order the
// raised total pays them. Each command checks, in its own transaction, that the campaign is the
// actor's and the line named is the campaign's. Lines stay editable after launch, like the FAQ.
import { randomUUID } from "node:crypto";
import { inTransaction, type Db } from "~/lib/db.server";
import { CampaignError } from "~/lib/errors";
import { campaignPagesChanged } from "~/lib/page-changes";
import { campaignForCommand, type CampaignTarget } from "./access.server";
import { otherLanguage, replaceTranslation } from "./authoring.server";
import type { BudgetLineInput } from "./campaign-form";

export interface BudgetLineTarget extends CampaignTarget {
  lineId: string;
}

/** A campaign has at most this many lines: a budget, not a ledger. */
export const MAX_BUDGET_LINES = 30;

async function lineOf(db: Db, target: BudgetLineTarget) {
  const line = await db
    .selectFrom("campaign_budget_lines")
    .selectAll()
    .where("id", "=", target.lineId)
    .where("campaign_id", "=", target.campaignId)
    .executeTakeFirst();
  if (!line) throw new CampaignError("budget_line_not_found", "No such budget line");
  return line;
}

/** A campaign's lines in their order (what the editor and the page list). */
export function budgetLinesOf(db: Db, campaignId: string) {
  return db
    .selectFrom("campaign_budget_lines")
    .select(["id", "label", "amount"])
    .where("campaign_id", "=", campaignId)
    .orderBy("position")
    .orderBy("id")
    .execute()
    .then((rows) => rows.map((row) => ({ ...row, amount: Number(row.amount) })));
}

/** A line, last in the campaign's budget. */
export async function addBudgetLine(
  db: Db,
  target: CampaignTarget,
  line: BudgetLineInput,
  now: Date,
): Promise<string> {
  const id = await inTransaction(db, async (trx) => {
    const campaign = await campaignForCommand(trx, target);
    const last = await trx
      .selectFrom("campaign_budget_lines")
      .select((eb) => [eb.fn.max("position").as("position"), eb.fn.countAll<number>().as("count")])
      .where("campaign_id", "=", campaign.id)
      .executeTakeFirst();
    if (Number(last?.count ?? 0) >= MAX_BUDGET_LINES)
      throw new CampaignError("too_many_budget_lines", "A budget has at most 30 lines");
    const id = randomUUID();
    await trx
      .insertInto("campaign_budget_lines")
      .values({
        id,
        campaign_id: campaign.id,
        position: Number(last?.position ?? -1) + 1,
        label: line.label,
        amount: line.amount,
        created_at: now.toISOString(),
      })
      .execute();
    return id;
  });
  campaignPagesChanged();
  return id;
}

export async function updateBudgetLine(
  db: Db,
  target: BudgetLineTarget,
  line: BudgetLineInput,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    await campaignForCommand(trx, target);
    const current = await lineOf(trx, target);
    await trx
      .updateTable("campaign_budget_lines")
      .set({ label: line.label, amount: line.amount })
      .where("id", "=", current.id)
      .execute();
  });
  campaignPagesChanged();
}

/** Swaps a line with its neighbour above or below: the raised total pays them in that order. */
export async function moveBudgetLine(
  db: Db,
  target: BudgetLineTarget,
  direction: "up" | "down",
): Promise<void> {
  await inTransaction(db, async (trx) => {
    await campaignForCommand(trx, target);
    const line = await lineOf(trx, target);
    const neighbour = await trx
      .selectFrom("campaign_budget_lines")
      .select(["id", "position"])
      .where("campaign_id", "=", line.campaign_id)
      .where("position", direction === "up" ? "<" : ">", line.position)
      .orderBy("position", direction === "up" ? "desc" : "asc")
      .limit(1)
      .executeTakeFirst();
    if (!neighbour) return;
    await trx
      .updateTable("campaign_budget_lines")
      .set({ position: neighbour.position })
      .where("id", "=", line.id)
      .execute();
    await trx
      .updateTable("campaign_budget_lines")
      .set({ position: line.position })
      .where("id", "=", neighbour.id)
      .execute();
  });
  campaignPagesChanged();
}

export async function removeBudgetLine(db: Db, target: BudgetLineTarget): Promise<void> {
  await inTransaction(db, async (trx) => {
    await campaignForCommand(trx, target);
    const line = await lineOf(trx, target);
    await trx
      .deleteFrom("content_translations")
      .where("subject_type", "=", "budget_line")
      .where("subject_id", "=", line.id)
      .execute();
    await trx.deleteFrom("campaign_budget_lines").where("id", "=", line.id).execute();
  });
  campaignPagesChanged();
}

/** A line's label in the campaign's other language; empty removes it (readers see the owner's). */
export async function setBudgetLineTranslation(
  db: Db,
  target: BudgetLineTarget,
  texts: { label: string },
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const campaign = await campaignForCommand(trx, target);
    const line = await lineOf(trx, target);
    await replaceTranslation(trx, "budget_line", line.id, otherLanguage(campaign.language), texts);
  });
  campaignPagesChanged();
}
