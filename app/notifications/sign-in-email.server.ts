// The sign-in link's email: auth makes the link (app/auth/sign-in.server.ts) and hands it over in
// the transaction that stores it; it is queued there, in the outbox, like every other email.
import { issueSignInLink, LINK_LIFETIME } from "~/auth/sign-in.server";
import type { Db } from "~/lib/db.server";
import { MINUTE } from "~/lib/time";
import { queueEmail } from "./outbox.server";

/** Emails a one-time sign-in link to the address asked for (refused past the hourly limits). */
export async function requestSignInLink(
  db: Db,
  request: { email: string; ip: string | null; redirectTo: string | null; locale: string; publicUrl: string },
  now: Date,
): Promise<void> {
  await issueSignInLink(db, request, now, (trx, link) =>
    queueEmail(
      trx,
      {
        kind: "sign_in_link",
        dedupeKey: `sign-in:${link.id}`,
        to: link.email,
        name: null,
        locale: request.locale,
        props: { url: link.url, minutes: LINK_LIFETIME / MINUTE },
      },
      now,
    ),
  );
}
