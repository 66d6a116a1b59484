// The backer's private link to their pledge: the pledge id signed with the session secret, so
// that nobody can guess another backer's link and nothing needs storing.
import { createHmac, timingSafeEqual } from "node:crypto";

export function pledgeToken(secret: string, pledgeId: string): string {
  return createHmac("sha256", secret).update(`pledge:${pledgeId}`).digest("base64url").slice(0, 32);
}

export function verifyPledgeToken(secret: string, pledgeId: string, token: string | null): boolean {
  if (!token) return false;
  const expected = Buffer.from(pledgeToken(secret, pledgeId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function pledgeUrl(
  publicUrl: string,
  secret: string,
  pledgeId: string,
  { thanks = false } = {},
): string {
  const query = new URLSearchParams({ token: pledgeToken(secret, pledgeId) });
  if (thanks) query.set("thanks", "1");
  return `${publicUrl}/pledges/${pledgeId}?${query}`;
}
