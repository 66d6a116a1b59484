// The people who have signed in, for the admins' page: the latest first, with how many campaigns
// each owns.
import type { Db } from "~/lib/db.server";

export async function usersForAdmins(db: Db, limit = 200) {
  const users = await db
    .selectFrom("users")
    .leftJoin("campaigns", "campaigns.owner_id", "users.id")
    .select((eb) => [
      "users.id",
      "users.email",
      "users.created_at",
      eb.fn.count<number>("campaigns.id").as("campaigns"),
    ])
    .groupBy(["users.id", "users.email", "users.created_at"])
    .orderBy("users.created_at", "desc")
    .limit(limit)
    .execute();
  return users.map((u) => ({ ...u, campaigns: Number(u.campaigns) }));
}
