// The backers' wall of a campaign page: who backed it (their name, or none when they asked to stay
// anonymous) and the public word they left, newest first, 20 at a time. Only what the pledge form
// promises to show publicly: never an email, an amount or a reward. Counted pledges only (a pending
// checkout, an expired, canceled or refunded pledge is not a backer).
//
// Keyset pages on (created_at, id) like the dashboard's (lib/listing.ts), read through the
// (campaign_id, created_at, id) index of 2026_12_03_1000_owner_pages_indexes: a page costs the same
// at 100 000 pledges, deep pages included, and the first page (the one the render cache shares) is
// the same for every visitor.
import { beyond, keysetPage } from "~/lib/listing";
import type { Db } from "~/lib/db.server";
import { countedPledgeStatuses } from "./campaigns.server";

export const BACKERS_PER_PAGE = 20;

export interface WallBacker {
  /** The pledge's id: a key for the list, and the cursor's tie-break. */
  id: string;
  /** null: the backer asked not to show their name. */
  name: string | null;
  comment: string | null;
  createdAt: string;
}

export interface BackersWall {
  backers: WallBacker[];
  /** The cursor of the page of newer backers (`backersBefore=`), null on the first page. */
  newer: string | null;
  /** The cursor of the page of older backers (`backers=`), null on the last page. */
  older: string | null;
}

/**
 * One page of a campaign's wall: the newest backers, or those just older than `after`, or just
 * newer than `before` (cursors as the URL carries them; one that does not parse means the first page).
 */
export async function backersWall(
  db: Db,
  campaignId: string,
  {
    after = null,
    before = null,
    limit = BACKERS_PER_PAGE,
  }: { after?: string | null; before?: string | null; limit?: number } = {},
): Promise<BackersWall> {
  const counted = () =>
    db
      .selectFrom("pledges")
      .where("pledges.campaign_id", "=", campaignId)
      .where("pledges.status", "in", [...countedPledgeStatuses]);
  const page = await keysetPage(
    { after, before, limit },
    ({ from, backwards, limit }) =>
      counted()
        .select([
          "pledges.id",
          "pledges.backer_name",
          "pledges.anonymous",
          "pledges.comment",
          "pledges.created_at",
        ])
        .$if(from !== null, (q) => q.where(beyond("pledges", backwards ? ">" : "<", from!)))
        .orderBy("pledges.created_at", backwards ? "asc" : "desc")
        .orderBy("pledges.id", backwards ? "asc" : "desc")
        .limit(limit)
        .execute(),
    async (direction, cursor) =>
      Boolean(
        await counted()
          .select("pledges.id")
          .where(beyond("pledges", direction, cursor))
          .limit(1)
          .executeTakeFirst(),
      ),
  );
  return {
    backers: page.rows.map((row) => ({
      id: row.id,
      // The name is dropped here, on the server: an anonymous backer's never reaches the page.
      name: row.anonymous === 1 ? null : row.backer_name,
      comment: row.comment?.trim() ? row.comment.trim() : null,
      createdAt: row.created_at,
    })),
    newer: page.newer,
    older: page.older,
  };
}
