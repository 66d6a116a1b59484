// A creator's public profile (issue #15 item 10): the name they go by, the organisation they act
// for, a short bio, a place and a website, edited on their account page and shown on their campaigns'
// pages. The rules of the form, the one rule for the name the public reads, and the saving.
import { z } from "zod";
import type { MessageKey } from "~/i18n/keys";
import { afterCommit, type Db } from "~/lib/db.server";
import { AuthError } from "~/lib/errors";
import { campaignPagesChanged } from "~/lib/page-changes";

export const PROFILE_LIMITS = {
  displayName: 80,
  organisation: 120,
  bio: 500,
  place: 80,
  website: 300,
} as const;

/**
 * How much of what was typed a refused form sends back: more than each field accepts, so that a text
 * a little too long comes back whole to be cut by its writer, yet never a page-sized post.
 */
export const PROFILE_ECHO_LIMITS = {
  displayName: 200,
  organisation: 300,
  bio: 2_000,
  place: 200,
  website: 1_000,
};

/** The profile as stored: null where nothing was given, never an empty string. */
export interface Profile {
  displayName: string | null;
  organisation: string | null;
  bio: string | null;
  place: string | null;
  website: string | null;
}

/** The columns of `users` a profile is made of, with the name it falls back to. */
export interface ProfileRow {
  name: string;
  display_name: string | null;
  organisation: string | null;
  bio: string | null;
  place: string | null;
  website: string | null;
}

/**
 * The name the public reads for a person: their organisation, else their display name, else the
 * name they were given at their first sign-in (their address's local part).
 */
export function publicName(row: Pick<ProfileRow, "name" | "display_name" | "organisation">): string {
  return row.organisation ?? row.display_name ?? row.name;
}

/**
 * The same name, for an email that speaks to the person themselves ("Bonjour Camille,"): their
 * display name first, as a person is greeted, then their organisation, then the fallback. As SQL,
 * over a row of `users`, for the statements that read an email's owner in one go.
 */
export const addressedNameSql = "coalesce(users.display_name, users.organisation, users.name)";

export function profileOf(row: ProfileRow): Profile {
  return {
    displayName: row.display_name,
    organisation: row.organisation,
    bio: row.bio,
    place: row.place,
    website: row.website,
  };
}

/**
 * An http(s) address, or null when it is none: `javascript:`, `data:`, `mailto:` and every other
 * scheme are refused, as are addresses with credentials or without a dotted host. A bare host
 * (`lamachinerie.fr`) is read as https.
 */
export function websiteUrl(text: string): string | null {
  const given = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.username || url.password) return null;
  if (!/^[^.]+(\.[^.]+)+$/.test(url.hostname)) return null;
  return url.href;
}

const optional = (max: number, message: MessageKey) =>
  z
    .string()
    .trim()
    .max(max, message)
    .transform((v) => v || null);

/**
 * The profile form's rules. The display name may stay empty until it is first set; from then on it
 * is required (saveProfile refuses to clear it), so a creator's page never loses the name they chose.
 */
export const profileSchema = z.object({
  displayName: z
    .string()
    .trim()
    .max(PROFILE_LIMITS.displayName, "profile.error.displayName")
    .refine((v) => v === "" || v.length >= 2, "profile.error.displayName")
    .transform((v) => v || null),
  organisation: optional(PROFILE_LIMITS.organisation, "profile.error.organisation"),
  bio: optional(PROFILE_LIMITS.bio, "profile.error.bio"),
  place: optional(PROFILE_LIMITS.place, "profile.error.place"),
  website: z
    .string()
    .trim()
    .max(PROFILE_LIMITS.website, "profile.error.website")
    .refine((v) => v === "" || websiteUrl(v) !== null, "profile.error.website")
    .transform((v) => (v ? websiteUrl(v) : null)),
});

export type ProfileInput = z.output<typeof profileSchema>;

/**
 * Saves a profile read by profileSchema; a display name once set cannot be emptied. The pages that
 * show the person's campaigns change with it.
 */
export async function saveProfile(db: Db, userId: string, input: ProfileInput): Promise<void> {
  const result = await db
    .updateTable("users")
    .set({
      display_name: input.displayName,
      organisation: input.organisation,
      bio: input.bio,
      place: input.place,
      website: input.website,
    })
    .where("id", "=", userId)
    .$if(input.displayName === null, (q) => q.where("display_name", "is", null))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    const exists = await db.selectFrom("users").select("id").where("id", "=", userId).executeTakeFirst();
    if (exists) throw new AuthError("display_name_required", "A display name once set cannot be emptied");
    throw new AuthError("forbidden", "No such user");
  }
  afterCommit(db, campaignPagesChanged);
}
