// Cross-site request forgery: every state-changing form of a signed-in person carries a token tied
// to their session (an HMAC of the session's id with the session secret): a token read from another
// session, or kept from before a sign-out, is refused. Forms of anonymous visitors change nothing an
// attacker could use (a pledge still needs a card).
import { createHmac, timingSafeEqual } from "node:crypto";

export const CSRF_FIELD = "csrf";

export function csrfToken(secret: string, sessionId: string): string {
  return createHmac("sha256", secret).update(`csrf:${sessionId}`).digest("base64url").slice(0, 32);
}

export function assertCsrf(
  form: FormData | Record<string, unknown>,
  user: { sessionId: string },
  secret: string,
): void {
  const given = String(form instanceof FormData ? (form.get(CSRF_FIELD) ?? "") : (form[CSRF_FIELD] ?? ""));
  const expected = csrfToken(secret, user.sessionId);
  const ok = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  if (!ok) throw new Response("This form has expired; reload the page and try again.", { status: 403 });
}
