// Who may open what: every route × {anonymous, backer, another owner, the owner, admin}. The table
// is checked against the route files themselves, so a new route without a declared policy fails.
import { basename } from "node:path";
import type { AppLoadContext } from "@remix-run/node";
import { beforeAll, describe, expect, test } from "vitest";
import { pledgeToken } from "~/auth/pledge-link.server";
import { unsubscribeUrl } from "~/notifications/unsubscribe.server";
import { loadConfig } from "~/lib/config.server";
import { testContext } from "../support/context";
import { createCampaign, createPledge, createUser } from "../support/factories";
import { callRoute } from "../support/routes";
import { signedInAs } from "../support/users";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const roles = ["anonymous", "backer", "otherOwner", "owner", "admin"] as const;
type Role = (typeof roles)[number];
type Outcome = "ok" | "sign-in" | "forbidden" | "not-found" | "redirect";

type RouteModule = { loader?: (...args: never[]) => unknown; action?: (...args: never[]) => unknown };
const modules = import.meta.glob<RouteModule>("../../app/routes/*.{ts,tsx}", { eager: true });

interface Fixture {
  campaignId: string;
  slug: string;
  pledgeId: string;
  sessionId: string;
}

interface Case {
  method: "GET" | "POST";
  url: (f: Fixture, context: AppLoadContext) => string;
  params: (f: Fixture) => Record<string, string>;
  form?: Record<string, string>;
  expect: Record<Role, Outcome>;
}

const everyone = (outcome: Outcome): Record<Role, Outcome> => ({
  anonymous: outcome,
  backer: outcome,
  otherOwner: outcome,
  owner: outcome,
  admin: outcome,
});
const none = () => ({});
const signedIn: Record<Role, Outcome> = {
  anonymous: "sign-in",
  backer: "ok",
  otherOwner: "ok",
  owner: "ok",
  admin: "ok",
};
const adminOnly: Record<Role, Outcome> = {
  anonymous: "sign-in",
  backer: "forbidden",
  otherOwner: "forbidden",
  owner: "forbidden",
  admin: "ok",
};
const ownerOrAdmin: Record<Role, Outcome> = {
  anonymous: "sign-in",
  backer: "forbidden",
  otherOwner: "forbidden",
  owner: "ok",
  admin: "ok",
};

/** Every route file and what each kind of person gets. Public pages are public on purpose. */
const policy: Record<string, Case[]> = {
  "$.tsx": [
    {
      method: "GET",
      url: () => "http://t/nowhere",
      params: () => ({ "*": "nowhere" }),
      expect: everyone("not-found"),
    },
  ],
  "_index.tsx": [{ method: "GET", url: () => "http://t/", params: none, expect: everyone("ok") }],
  "account._index.tsx": [{ method: "GET", url: () => "http://t/account", params: none, expect: signedIn }],
  // The person's own data (docs/decisions/042): only theirs, so anyone signed in, nobody else.
  "account.data[.json].ts": [
    { method: "GET", url: () => "http://t/account/data.json", params: none, expect: signedIn },
  ],
  // Without the box ticked the deletion is refused (400): nobody's account goes in this test.
  "account.delete.tsx": [
    { method: "GET", url: () => "http://t/account/delete", params: none, expect: signedIn },
    { method: "POST", url: () => "http://t/account/delete", params: none, form: {}, expect: signedIn },
  ],
  // Connecting a payout account: anyone signed in (with the simulated gateway the answer is a 409).
  "account.payouts.tsx": [
    { method: "GET", url: () => "http://t/account/payouts", params: none, expect: signedIn },
    { method: "POST", url: () => "http://t/account/payouts", params: none, form: {}, expect: signedIn },
  ],
  "admin._index.tsx": [{ method: "GET", url: () => "http://t/admin", params: none, expect: adminOnly }],
  "admin.audit.tsx": [{ method: "GET", url: () => "http://t/admin/audit", params: none, expect: adminOnly }],
  "admin.payouts._index.tsx": [
    { method: "GET", url: () => "http://t/admin/payouts", params: none, expect: adminOnly },
    {
      method: "POST",
      url: () => "http://t/admin/payouts",
      params: none,
      form: { payout: "not-a-payout", from: "", to: "" },
      expect: adminOnly,
    },
  ],
  "admin.payouts[.csv].ts": [
    { method: "GET", url: () => "http://t/admin/payouts.csv", params: none, expect: adminOnly },
  ],
  "admin.payouts.$id.tsx": [
    {
      method: "GET",
      url: (f) => `http://t/admin/payouts/${f.campaignId}`,
      params: (f) => ({ id: f.campaignId }),
      expect: adminOnly,
    },
    {
      method: "POST",
      url: (f) => `http://t/admin/payouts/${f.campaignId}`,
      params: (f) => ({ id: f.campaignId }),
      // An approval of a campaign that has not succeeded: the admin gets the refusal (409).
      form: { intent: "approve", expectedAmount: "100" },
      expect: adminOnly,
    },
  ],
  "admin.payouts.$id.lines[.csv].ts": [
    {
      method: "GET",
      url: (f) => `http://t/admin/payouts/${f.campaignId}/lines.csv`,
      params: (f) => ({ id: f.campaignId }),
      expect: adminOnly,
    },
  ],
  "admin.campaigns.$id_.review.tsx": [
    {
      method: "GET",
      url: (f) => `http://t/admin/campaigns/${f.campaignId}/review`,
      params: (f) => ({ id: f.campaignId }),
      expect: adminOnly,
    },
    {
      method: "POST",
      url: (f) => `http://t/admin/campaigns/${f.campaignId}/review`,
      params: (f) => ({ id: f.campaignId }),
      // A send-back without its message: the admin gets the form's error (400: they got in).
      form: { intent: "send-back", message: "" },
      expect: adminOnly,
    },
  ],
  "admin.campaigns.$id.tsx": [
    {
      method: "GET",
      url: (f) => `http://t/admin/campaigns/${f.campaignId}`,
      params: (f) => ({ id: f.campaignId }),
      expect: ownerOrAdmin,
    },
    {
      method: "POST",
      url: (f) => `http://t/admin/campaigns/${f.campaignId}`,
      params: (f) => ({ id: f.campaignId }),
      // A malformed refund: allowed people get the form error (400, counted as "ok" here: they got in).
      form: { pledgeId: "x", amount: "", reason: "" },
      expect: ownerOrAdmin,
    },
  ],
  "admin.campaigns.$id.backers[.csv].ts": [
    {
      method: "GET",
      url: (f) => `http://t/admin/campaigns/${f.campaignId}/backers.csv`,
      params: (f) => ({ id: f.campaignId }),
      expect: ownerOrAdmin,
    },
  ],
  "manage.campaigns.$id_.statement.tsx": [
    {
      method: "GET",
      url: (f) => `http://t/manage/campaigns/${f.campaignId}/statement`,
      params: (f) => ({ id: f.campaignId }),
      expect: ownerOrAdmin,
    },
  ],
  "admin.mailbox.tsx": [
    {
      method: "GET",
      url: () => "http://t/admin/mailbox",
      params: none,
      expect: adminOnly,
    },
  ],
  "admin.mailbox_.$id.tsx": [
    {
      method: "GET",
      url: () => "http://t/admin/mailbox/none",
      params: () => ({ id: "none" }),
      expect: { ...adminOnly, admin: "not-found" },
    },
  ],
  // A bad link sends anyone back to the sign-in page.
  "auth.verify.ts": [
    { method: "GET", url: () => "http://t/auth/verify?token=bad", params: none, expect: everyone("sign-in") },
  ],
  "campaigns.new.tsx": [
    { method: "GET", url: () => "http://t/campaigns/new", params: none, expect: signedIn },
    {
      method: "POST",
      url: () => "http://t/campaigns/new",
      params: none,
      form: { title: "" },
      expect: signedIn,
    },
  ],
  "manage.campaigns.$id.tsx": [
    {
      method: "GET",
      url: (f) => `http://t/manage/campaigns/${f.campaignId}`,
      params: (f) => ({ id: f.campaignId }),
      expect: ownerOrAdmin,
    },
    {
      method: "POST",
      url: (f) => `http://t/manage/campaigns/${f.campaignId}`,
      params: (f) => ({ id: f.campaignId }),
      form: { intent: "details", title: "" },
      expect: ownerOrAdmin,
    },
  ],
  "campaigns.$slug.live.ts": [
    {
      method: "GET",
      url: (f) => `http://t/campaigns/${f.slug}/live`,
      params: (f) => ({ slug: f.slug }),
      expect: everyone("ok"),
    },
  ],
  "campaigns.$slug_.embed.tsx": [
    {
      method: "GET",
      url: (f) => `http://t/campaigns/${f.slug}/embed`,
      params: (f) => ({ slug: f.slug }),
      expect: everyone("ok"),
    },
  ],
  "campaigns.$slug.badge[.svg].ts": [
    {
      method: "GET",
      url: (f) => `http://t/campaigns/${f.slug}/badge.svg`,
      params: (f) => ({ slug: f.slug }),
      expect: everyone("ok"),
    },
  ],
  "campaigns.$slug.tsx": [
    {
      method: "GET",
      url: (f) => `http://t/campaigns/${f.slug}`,
      params: (f) => ({ slug: f.slug }),
      expect: everyone("ok"),
    },
    // Commenting: anyone signed in (an empty message is the field's error, 400).
    {
      method: "POST",
      url: (f) => `http://t/campaigns/${f.slug}`,
      params: (f) => ({ slug: f.slug }),
      form: { intent: "post", kind: "question", body: "" },
      expect: signedIn,
    },
    // Replying speaks as the creator: the owner only, not even an admin.
    {
      method: "POST",
      url: (f) => `http://t/campaigns/${f.slug}`,
      params: (f) => ({ slug: f.slug }),
      form: { intent: "reply", commentId: "matrix-comment", body: "Merci pour la question" },
      expect: {
        anonymous: "sign-in",
        backer: "forbidden",
        otherOwner: "forbidden",
        owner: "redirect",
        admin: "forbidden",
      },
    },
    // Hiding: the owner or an admin.
    {
      method: "POST",
      url: (f) => `http://t/campaigns/${f.slug}`,
      params: (f) => ({ slug: f.slug }),
      form: { intent: "hide", commentId: "matrix-comment" },
      expect: {
        anonymous: "sign-in",
        backer: "forbidden",
        otherOwner: "forbidden",
        owner: "redirect",
        admin: "redirect",
      },
    },
  ],
  "campaigns.$slug_.pledge.tsx": [
    {
      method: "GET",
      url: (f) => `http://t/campaigns/${f.slug}/pledge`,
      params: (f) => ({ slug: f.slug }),
      expect: everyone("ok"),
    },
  ],
  "checkout.simulated.$session.tsx": [
    {
      method: "GET",
      url: (f) => `http://t/checkout/simulated/${f.sessionId}`,
      params: (f) => ({ session: f.sessionId }),
      expect: everyone("ok"),
    },
  ],
  "checkout.simulated.$session_.authenticate.tsx": [
    {
      method: "GET",
      url: (f) => `http://t/checkout/simulated/${f.sessionId}/authenticate`,
      params: (f) => ({ session: f.sessionId }),
      expect: everyone("ok"),
    },
  ],
  "healthz.ts": [{ method: "GET", url: () => "http://t/healthz", params: none, expect: everyone("ok") }],
  // The interface's words, for the browser: the same for everyone.
  "i18n.$locale.ts": [
    {
      method: "GET",
      url: () => "http://t/i18n/en",
      params: () => ({ locale: "en" }),
      expect: everyone("ok"),
    },
  ],
  "lang.ts": [
    {
      method: "POST",
      url: () => "http://t/lang",
      params: none,
      form: { locale: "en", redirectTo: "/" },
      expect: everyone("redirect"),
    },
  ],
  // The private link's token is the key: whoever holds it, signed in or not.
  "pledges.$id.tsx": [
    {
      method: "GET",
      url: (f, c) =>
        `http://t/pledges/${f.pledgeId}?token=${pledgeToken(c.config.SESSION_SECRET, f.pledgeId)}`,
      params: (f) => ({ id: f.pledgeId }),
      expect: everyone("ok"),
    },
    {
      method: "GET",
      url: (f) => `http://t/pledges/${f.pledgeId}?token=wrong`,
      params: (f) => ({ id: f.pledgeId }),
      expect: everyone("forbidden"),
    },
  ],
  "privacy.tsx": [{ method: "GET", url: () => "http://t/privacy", params: none, expect: everyone("ok") }],
  "sign-in.tsx": [{ method: "GET", url: () => "http://t/sign-in", params: none, expect: everyone("ok") }],
  "sign-out.ts": [
    { method: "POST", url: () => "http://t/sign-out", params: none, form: {}, expect: everyone("redirect") },
    {
      method: "POST",
      url: () => "http://t/sign-out",
      params: none,
      form: { scope: "everywhere" },
      expect: everyone("redirect"),
    },
  ],
  "unsubscribe.tsx": [
    {
      method: "GET",
      url: (_f, c) => unsubscribeUrl(c.config.PUBLIC_URL, c.config.SESSION_SECRET, "x@example.org", "digest"),
      params: none,
      expect: everyone("ok"),
    },
  ],
  "uploads.$file.ts": [
    {
      method: "GET",
      url: () => "http://t/uploads/none.png",
      params: () => ({ file: "none.png" }),
      expect: everyone("not-found"),
    },
  ],
  "webhooks.stripe.ts": [
    {
      method: "POST",
      url: () => "http://t/webhooks/stripe",
      params: none,
      form: {},
      expect: everyone("not-found"),
    },
  ],
};

let fixture: Fixture;
const emails: Partial<Record<Role, string>> = {};
let context: AppLoadContext;

beforeAll(async () => {
  const handle = database();
  // A public deployment: nothing is open because it runs on localhost.
  context = testContext(handle, {
    config: loadConfig({
      PUBLIC_URL: "https://tourdetable.example",
      SESSION_SECRET: "policy-secret-".padEnd(40, "x"),
      ADMIN_EMAILS: "admin@example.org",
    }),
  });
  const owner = await signedInAs(context, "owner@example.org");
  for (const [role, email] of [
    ["owner", "owner@example.org"],
    ["otherOwner", "other@example.org"],
    ["backer", "backer@example.org"],
    ["admin", "admin@example.org"],
  ] as const) {
    await signedInAs(context, email);
    emails[role] = email;
  }
  const other = await context.db
    .selectFrom("users")
    .select("id")
    .where("email", "=", "other@example.org")
    .executeTakeFirstOrThrow();
  await createCampaign(handle.db, { owner_id: other.id, slug: "someone-elses" });
  const campaignId = await createCampaign(handle.db, {
    owner_id: owner.id,
    slug: "matrix",
    deadline_at: "2999-01-01T00:00:00.000Z",
  });
  const pledgeId = await createPledge(handle.db, campaignId, {
    status: "pending",
    checkout_session_id: "sim_cs_matrix",
    gateway: "simulated",
  });
  await createUser(handle.db, { email: "nobody@example.org" });
  const backer = await context.db
    .selectFrom("users")
    .select("id")
    .where("email", "=", "backer@example.org")
    .executeTakeFirstOrThrow();
  await handle.db
    .insertInto("campaign_comments")
    .values({
      id: "matrix-comment",
      campaign_id: campaignId,
      author_user_id: backer.id,
      kind: "question",
      body: "Quand ouvrez-vous ?",
      created_at: "2026-11-25T10:00:00.000Z",
      owner_reply: null,
      replied_at: null,
      hidden_at: null,
      hidden_by: null,
    })
    .execute();
  fixture = { campaignId, slug: "matrix", pledgeId, sessionId: "sim_cs_matrix" };
});

test("every route file has a declared policy", () => {
  const files = Object.keys(modules)
    .map((path) => basename(path))
    .sort();
  expect(files.filter((file) => !(file in policy))).toEqual([]);
  expect(Object.keys(policy).filter((file) => !files.includes(file))).toEqual([]);
});

function classify(status: number, location: string | null): Outcome {
  if (status === 302 && location?.startsWith("/sign-in")) return "sign-in";
  if (status >= 300 && status < 400) return "redirect";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  // 400 (a form error) and 409 (a change refused in this state): they got in.
  if (status === 200 || status === 400 || status === 409) return "ok";
  return `unexpected ${status}` as Outcome;
}

describe.each(Object.entries(policy))("%s", (file, cases) => {
  test.each(roles)("as %s", async (role) => {
    const module = Object.entries(modules).find(([path]) => basename(path) === file)![1];
    for (const c of cases) {
      const handler = c.method === "GET" ? module.loader : module.action;
      expect(handler, `${file} has no ${c.method === "GET" ? "loader" : "action"}`).toBeTypeOf("function");
      // A session of its own for each case: signing out really ends one now.
      const person = emails[role] ? await signedInAs(context, emails[role]!) : null;
      const headers: Record<string, string> = person ? { Cookie: person.cookie } : {};
      const answer = await callRoute(handler as never, {
        url: c.url(fixture, context),
        params: c.params(fixture),
        context,
        // Signed-in people's forms carry their anti-forgery token, as the pages render it.
        form: c.form && person ? { ...c.form, csrf: person.csrf } : c.form,
        headers,
      });
      expect(classify(answer.status, answer.location), `${c.method} ${c.url(fixture, context)}`).toBe(
        c.expect[role],
      );
    }
  });
});
