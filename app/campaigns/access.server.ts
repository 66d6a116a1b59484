// A route's campaign by its id, for the person signed in: the sign-in page when nobody is, 404 when
// there is no such campaign, 403 when managing it is not theirs to do.
import type { AppLoadContext } from "@remix-run/node";
import type { Campaign } from "#db/schema.ts";
import { assertCan } from "~/auth/policy.server";
import { requireUser, type SignedInUser } from "~/auth/session.server";
import { notFound } from "~/lib/request.server";

/** Signed in, and the campaign exists; what they may do with it is the caller's to check. */
export async function loadCampaignFor(
  request: Request,
  context: AppLoadContext,
  id: string,
): Promise<{ user: SignedInUser; campaign: Campaign }> {
  const user = await requireUser(request, context);
  const campaign = await context.db
    .selectFrom("campaigns")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
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
