// Whose campaign it is. For routes: a campaign by its id for the person signed in (the sign-in page
// when nobody is, 404 when there is no such campaign, 403 when it is not theirs to manage). For
// commands: the campaign a command is about, read in its transaction and checked against its actor.
import type { AppLoadContext } from "@remix-run/node";
import type { Campaign } from "#db/schema.ts";
import { assertAllowed, assertCan, type Actor } from "~/auth/policy.server";
import { requireUser, type SignedInUser } from "~/auth/session.server";
import type { Db } from "~/lib/db.server";
import { CampaignError } from "~/lib/errors";
import { notFound } from "~/lib/request.server";

/** What a command about a campaign is given: which campaign, and who asks. */
export interface CampaignTarget {
  campaignId: string;
  actor: Actor;
}

export function findCampaign(db: Db, id: string): Promise<Campaign | undefined> {
  return db.selectFrom("campaigns").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * The campaign a command acts on, read with the command's handle (its transaction): 404 when there
 * is none, 403 when the actor may not do `permission` with it (managing it, by default).
 */
export async function campaignForCommand(
  db: Db,
  target: CampaignTarget,
  permission: "campaign.manage" | "admin.access" = "campaign.manage",
): Promise<Campaign> {
  const campaign = await findCampaign(db, target.campaignId);
  if (!campaign) throw new CampaignError("campaign_not_found", "No such campaign");
  assertAllowed(
    target.actor,
    permission === "admin.access" ? { action: permission } : { action: permission, campaign },
  );
  return campaign;
}

/** Signed in, and the campaign exists; what they may do with it is the caller's to check. */
export async function loadCampaignFor(
  request: Request,
  context: AppLoadContext,
  id: string,
): Promise<{ user: SignedInUser; campaign: Campaign }> {
  const user = await requireUser(request, context);
  const campaign = await findCampaign(context.db, id);
  if (!campaign) throw notFound();
  return { user, campaign };
}

/** The campaign's owner, or an admin. */
export async function requireManagedCampaign(
  request: Request,
  context: AppLoadContext,
  id: string,
): Promise<{ user: SignedInUser; campaign: Campaign }> {
  const loaded = await loadCampaignFor(request, context, id);
  assertCan(loaded.user, { action: "campaign.manage", campaign: loaded.campaign }, context.config);
  return loaded;
}
