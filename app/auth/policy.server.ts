// Who may do what, in one place: every loader and action that needs more than "anyone" asks here,
// and so does every domain command that is given an actor (docs/decisions/028).
import type { User } from "#db/schema.ts";
import type { Config } from "~/lib/config.server";
import { AuthError } from "~/lib/errors";

export type Role = "admin" | "owner" | "backer";

export function isAdmin(user: Pick<User, "email"> | null, config: Pick<Config, "ADMIN_EMAILS">): boolean {
  return user !== null && config.ADMIN_EMAILS.includes(user.email.toLowerCase());
}

export type Permission =
  | { action: "admin.access" }
  | { action: "campaign.manage"; campaign: { owner_id: string } }
  | { action: "pledge.refund"; campaign: { owner_id: string } }
  /** Hiding or showing again a comment on the campaign's page. */
  | { action: "comment.moderate"; campaign: { owner_id: string } }
  /** Replying to a comment, as the campaign's creator. */
  | { action: "comment.reply"; campaign: { owner_id: string } };

/**
 * A person as a domain command sees them: who they are, and whether the configuration makes them
 * an admin (decided once, by `actorFor`, where the configuration is at hand).
 */
export interface Actor {
  id: string;
  email: string;
  admin: boolean;
}

export function actorFor(user: Pick<User, "id" | "email">, config: Pick<Config, "ADMIN_EMAILS">): Actor {
  return { id: user.id, email: user.email, admin: isAdmin(user, config) };
}

/**
 * The single rule book. Admins may do everything but speak as a creator (a reply to a comment is
 * the owner's own words); owners what concerns their own campaigns.
 */
export function allows(actor: Actor | null, permission: Permission): boolean {
  if (!actor) return false;
  if (permission.action === "comment.reply") return permission.campaign.owner_id === actor.id;
  if (actor.admin) return true;
  switch (permission.action) {
    case "admin.access":
      return false;
    case "campaign.manage":
    case "pledge.refund":
    case "comment.moderate":
      return permission.campaign.owner_id === actor.id;
  }
}

export function can(
  user: User | null,
  permission: Permission,
  config: Pick<Config, "ADMIN_EMAILS">,
): boolean {
  return allows(user && actorFor(user, config), permission);
}

/** Throws the page a person who may not see something gets: 403 when signed in. */
export function assertCan(
  user: User | null,
  permission: Permission,
  config: Pick<Config, "ADMIN_EMAILS">,
): void {
  if (!can(user, permission, config)) throw new Response("Forbidden", { status: 403 });
}

/** A domain command's refusal: the same rule, as the typed error commands throw. */
export function assertAllowed(actor: Actor, permission: Permission): void {
  if (!allows(actor, permission)) throw new AuthError("forbidden", "Not yours to do");
}
