// Cross-site request forgery: every state-changing form of a signed-in person carries a token tied
// to that person (an HMAC of their id with the session secret); an action without it is refused.
// Forms of anonymous visitors change nothing an attacker could use (a pledge still needs a card).
import { createHmac, timingSafeEqual } from "node:crypto";
import type { User } from "#db/schema.ts";

export const CSRF_FIELD = "csrf";

export function csrfToken(secret: string, userId: string): string {
  return createHmac("sha256", secret).update(`csrf:${userId}`).digest("base64url").slice(0, 32);
}

export function assertCsrf(
  form: FormData | Record<string, unknown>,
  user: Pick<User, "id">,
  secret: string,
): void {
  const given = String(form instanceof FormData ? (form.get(CSRF_FIELD) ?? "") : (form[CSRF_FIELD] ?? ""));
  const expected = csrfToken(secret, user.id);
  const ok = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  if (!ok) throw new Response("This form has expired; reload the page and try again.", { status: 403 });
}
