// Whether a campaign is ready to be reviewed: what its owner is shown before "Submit for review",
// and what an admin checks on the review page. Each point says what backers would miss; the payout
// account is advised, not required (an admin can pay by bank transfer), and so is a word on the
// project's risks and challenges.
import type { Campaign } from "#db/schema.ts";
import { publicName } from "~/auth/profile.server";
import type { Db } from "~/lib/db.server";

/** A story shorter than this tells backers too little to decide (the form's own floor is 20). */
export const STORY_READY_LENGTH = 300;

export type ReadinessPoint = "cover" | "story" | "reward" | "risks" | "payoutAccount";

export interface Readiness {
  points: { point: ReadinessPoint; ok: boolean; required: boolean }[];
  /** Every required point is met. */
  ready: boolean;
}

export async function campaignReadiness(
  db: Db,
  campaign: Pick<Campaign, "id" | "owner_id" | "cover_image" | "story_md" | "risks_md">,
): Promise<Readiness> {
  const found = await db
    .selectNoFrom((eb) => [
      eb
        .exists(eb.selectFrom("reward_tiers").select("id").where("campaign_id", "=", campaign.id))
        .as("has_reward"),
      eb
        .exists(
          eb
            .selectFrom("payout_accounts")
            .select("user_id")
            .where("user_id", "=", campaign.owner_id)
            .where("payouts_enabled", "=", 1),
        )
        .as("has_payout_account"),
    ])
    .executeTakeFirstOrThrow();
  const points: Readiness["points"] = [
    { point: "cover", ok: Boolean(campaign.cover_image), required: true },
    { point: "story", ok: campaign.story_md.trim().length >= STORY_READY_LENGTH, required: true },
    { point: "reward", ok: Boolean(Number(found.has_reward)), required: true },
    { point: "risks", ok: campaign.risks_md.trim().length > 0, required: false },
    { point: "payoutAccount", ok: Boolean(Number(found.has_payout_account)), required: false },
  ];
  return { points, ready: points.every((p) => p.ok || !p.required) };
}

/** The review page's facts besides the campaign's own page: who asks, and the checklist. */
export async function reviewFacts(db: Db, campaign: Campaign) {
  const [owner, readiness] = await Promise.all([
    db
      .selectFrom("users")
      .select(["email", "name", "display_name", "organisation"])
      .where("id", "=", campaign.owner_id)
      .executeTakeFirstOrThrow(),
    campaignReadiness(db, campaign),
  ]);
  // Named as the campaign page names them (their organisation, else their display name).
  return { owner: { email: owner.email, name: publicName(owner) }, readiness };
}
