// Who may do what, in one place: every loader and action that needs more than "anyone" asks here.
import type { User } from "#db/schema.ts";
import type { Config } from "~/lib/config.server";

export type Role = "admin" | "owner" | "backer";

export function isAdmin(user: Pick<User, "email"> | null, config: Pick<Config, "ADMIN_EMAILS">): boolean {
  return user !== null && config.ADMIN_EMAILS.includes(user.email.toLowerCase());
}

export type Permission =
  | { action: "admin.access" }
  | { action: "campaign.manage"; campaign: { owner_id: string } }
  | { action: "pledge.refund"; campaign: { owner_id: string } };

/** The single rule book. Admins may do everything; owners what concerns their own campaigns. */
export function can(
  user: User | null,
  permission: Permission,
  config: Pick<Config, "ADMIN_EMAILS">,
): boolean {
  if (!user) return false;
  if (isAdmin(user, config)) return true;
  switch (permission.action) {
    case "admin.access":
      return false;
    case "campaign.manage":
    case "pledge.refund":
      return permission.campaign.owner_id === user.id;
  }
}

/** Throws the page a person who may not see something gets: 403 when signed in. */
export function assertCan(
  user: User | null,
  permission: Permission,
  config: Pick<Config, "ADMIN_EMAILS">,
): void {
  if (!can(user, permission, config)) throw new Response("Forbidden", { status: 403 });
}
