// Rows for tests, with sensible defaults a test overrides only where it cares.
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, NewCampaign, NewPledge, NewRewardTier } from "#db/schema.ts";
import type { Actor } from "~/auth/policy.server";
import type { PledgeRequest } from "~/pledges/pledges.server";

const at = "2026-11-24T10:00:00.000Z";

export async function createUser(db: Kysely<Database>, values: { email?: string; name?: string } = {}) {
  const id = randomUUID();
  await db
    .insertInto("users")
    .values({
      id,
      email: values.email ?? `${id}@example.org`,
      name: values.name ?? "Owner",
      locale: "fr",
      created_at: at,
    })
    .execute();
  return id;
}

export async function createCampaign(db: Kysely<Database>, values: Partial<NewCampaign> = {}) {
  const id = randomUUID();
  const owner_id = values.owner_id ?? (await createUser(db));
  await db
    .insertInto("campaigns")
    .values({
      id,
      slug: `campaign-${id.slice(0, 8)}`,
      owner_id,
      status: "live",
      language: "fr",
      title: "Un projet",
      tagline: "Pour le quartier",
      story_md: "Notre histoire",
      cover_image: null,
      goal_amount: 1_000_000,
      currency: "EUR",
      funding_model: "all_or_nothing",
      time_zone: "Europe/Paris",
      duration_days: 15,
      launched_at: at,
      deadline_at: "2026-12-08T22:59:59.999Z",
      closed_at: null,
      created_at: at,
      updated_at: at,
      ...values,
    })
    .execute();
  return id;
}

export async function createTier(
  db: Kysely<Database>,
  campaign_id: string,
  values: Partial<NewRewardTier> = {},
) {
  const id = randomUUID();
  await db
    .insertInto("reward_tiers")
    .values({
      id,
      campaign_id,
      position: 0,
      title: "Merci",
      description: "Un grand merci",
      min_amount: 1_000,
      stock_limit: null,
      estimated_delivery: null,
      shipping_required: 0,
      created_at: at,
      // A postal reward sent everywhere at no extra cost, unless the test gives its own costs.
      ...(values.shipping_required === 1 ? { shipping_fr: 0, shipping_eu: 0, shipping_world: 0 } : {}),
      ...values,
    })
    .execute();
  return id;
}

export async function createPledge(
  db: Kysely<Database>,
  campaign_id: string,
  values: Partial<NewPledge> = {},
) {
  const id = randomUUID();
  await db
    .insertInto("pledges")
    .values({
      id,
      campaign_id,
      tier_id: null,
      backer_name: "Camille",
      backer_email: "camille@example.org",
      amount: 2_500,
      currency: "EUR",
      status: "committed",
      anonymous: 0,
      comment: null,
      locale: "fr",
      created_at: at,
      committed_at: at,
      updated_at: at,
      ...values,
    })
    .execute();
  return id;
}

/** What a backer's pledge form sends to startPledge: a fresh address and submission key each time. */
export function pledgeRequest(
  campaignId: string,
  amount: number,
  values: Partial<PledgeRequest> = {},
): PledgeRequest {
  return {
    campaignId,
    tierId: null,
    amount,
    backerName: "Awa",
    backerEmail: `awa-${randomUUID().slice(0, 6)}@example.org`,
    comment: null,
    anonymous: false,
    locale: "fr",
    submissionKey: randomUUID(),
    gateway: "simulated",
    ...values,
  };
}

/** Who asks a campaign command: the campaign's owner (by their id), or an admin. */
export const ownerActor = (id: string): Actor => ({ id, email: `${id}@example.org`, admin: false });
export const adminActor: Actor = { id: "test-admin", email: "admin@example.org", admin: true };
