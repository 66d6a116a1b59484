// Every action, fed a few hundred mutated submissions (seeded, so a failure replays): fields
// dropped, emptied, huge, repeated, of the wrong kind, with odd numbers, unicode and control
// characters. Nothing may answer 5xx or throw, every error shown must be a message we have, and
// afterwards the money still adds up: totals equal their rows, stock equals its holders, the
// ledger balances. A new route with an action and no entry here fails the first test.
import { randomUUID } from "node:crypto";
import { basename } from "node:path";
import type { AppLoadContext } from "@remix-run/node";
import { sql } from "kysely";
import { beforeAll, describe, expect, test } from "vitest";
import { recomputeTotals } from "~/campaigns/campaigns.server";
import { postComment } from "~/campaigns/comments.server";
import { acceptableForm } from "~/lib/http.server";
import { isMessageKey } from "~/i18n/keys";
import { loadConfig } from "~/lib/config.server";
import { unsubscribeUrl } from "~/notifications/unsubscribe.server";
import { pledgeToken } from "~/auth/pledge-link.server";
import { testContext } from "../support/context";
import { createCampaign, createTier } from "../support/factories";
import { collectedPledge, committedPledge, unbalancedTransactions } from "../support/ledger";
import { callRoute } from "../support/routes";
import { signedInAs } from "../support/users";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = Number(process.env.FUZZ_SEED ?? 11);

type RouteModule = { action?: (...args: never[]) => unknown };
const modules = import.meta.glob<RouteModule>("../../app/routes/*.{ts,tsx}", { eager: true });

type Role = "anonymous" | "backer" | "owner" | "admin";

interface Fixture {
  live: string;
  liveSlug: string;
  limitedTier: string;
  openTier: string;
  flexible: string;
  collected: string[];
  draft: string;
  draftTier: string;
  committed: string;
  sessions: string[];
  /** A backer's question on the live campaign's page. */
  comment: string;
}

interface Target {
  role: Role;
  url: (f: Fixture, context: AppLoadContext) => string;
  params: (f: Fixture, pick: <T>(items: T[]) => T) => Record<string, string>;
  /** Submissions that are valid or nearly so, for the mutations to start from. */
  forms: (f: Fixture) => Record<string, string | undefined>[];
}

const pledgeForm = (f: Fixture) => ({
  tierId: f.limitedTier,
  amount: "25",
  name: "Camille Dupont",
  email: "camille@example.org",
  comment: "Bravo",
  consent: "on",
  anonymous: "on",
  submissionKey: randomUUID(),
});

/** Each action, who sends it, and forms to start from. */
const targets: Record<string, Target> = {
  "account._index.tsx": {
    role: "owner",
    url: () => "http://t/account",
    params: () => ({}),
    forms: () => [
      {
        displayName: "Camille Dupont",
        organisation: "Association La Machinerie",
        bio: "Nous faisons vivre un atelier partagé.",
        place: "Amiens",
        website: "https://lamachinerie.example",
      },
    ],
  },
  // The owner runs live campaigns: every deletion, valid or not, is refused and the account stays.
  "account.delete.tsx": {
    role: "owner",
    url: () => "http://t/account/delete",
    params: () => ({}),
    forms: () => [{ confirm: "yes" }, {}],
  },
  "account.payouts.tsx": {
    role: "backer",
    url: () => "http://t/account/payouts",
    params: () => ({}),
    forms: () => [{}],
  },
  "admin.campaigns.$id.tsx": {
    role: "admin",
    url: (f) => `http://t/admin/campaigns/${f.flexible}`,
    params: (f) => ({ id: f.flexible }),
    forms: (f) => [
      { pledgeId: f.collected[0]!, amount: "5", reason: "Geste commercial" },
      { pledgeId: f.collected[1]!, amount: "2,50", reason: "Erreur de montant" },
      { intent: "approve", launchAt: "" },
      { intent: "send-back", message: "Merci de préciser le budget" },
    ],
  },
  "admin.campaigns.$id_.review.tsx": {
    role: "admin",
    url: (f) => `http://t/admin/campaigns/${f.flexible}/review`,
    params: (f) => ({ id: f.flexible }),
    forms: () => [
      { intent: "approve", launchAt: "2026-12-10T09:30" },
      { intent: "send-back", message: "Merci de préciser le budget" },
    ],
  },
  "admin.payouts.$id.tsx": {
    role: "admin",
    url: (f) => `http://t/admin/payouts/${f.flexible}`,
    params: (f) => ({ id: f.flexible }),
    forms: () => [
      { intent: "approve", expectedAmount: "1000" },
      { intent: "mark-paid", payoutId: randomUUID(), reference: "VIR-2026-001" },
      { intent: "mark-failed", payoutId: randomUUID(), reason: "IBAN refusé" },
      { intent: "fee", rate: "3,5" },
    ],
  },
  "admin.payouts._index.tsx": {
    role: "admin",
    url: () => "http://t/admin/payouts",
    params: () => ({}),
    forms: () => [{ payout: "po_123", from: "2026-11-01", to: "2026-11-30" }],
  },
  // The owner: every comment form is theirs to send (post, reply, hide, show again; a report of a
  // backer's question).
  "campaigns.$slug.tsx": {
    role: "owner",
    url: (f) => `http://t/campaigns/${f.liveSlug}`,
    params: (f) => ({ slug: f.liveSlug }),
    forms: (f) => [
      { intent: "post", kind: "question", body: "Le fablab ouvre-t-il le samedi ?" },
      { intent: "reply", commentId: f.comment, body: "Oui, de 10 h à 18 h." },
      { intent: "hide", commentId: f.comment },
      { intent: "unhide", commentId: f.comment },
      { intent: "report", commentId: f.comment },
    ],
  },
  "campaigns.$slug_.pledge.tsx": {
    role: "anonymous",
    url: (f) => `http://t/campaigns/${f.liveSlug}/pledge`,
    params: (f) => ({ slug: f.liveSlug }),
    forms: (f) => [pledgeForm(f), { ...pledgeForm(f), tierId: f.openTier, amount: "12,50" }],
  },
  "campaigns.new.tsx": {
    role: "owner",
    url: () => "http://t/campaigns/new",
    params: () => ({}),
    forms: () => [
      {
        title: "Un fournil coopératif",
        slug: `fournil-${randomUUID().slice(0, 8)}`,
        tagline: "Du pain pour le quartier",
        story: "Une histoire assez longue pour être acceptée.",
        goal: "5 000",
        currency: "EUR",
        fundingModel: "all_or_nothing",
        durationDays: "30",
        timeZone: "Europe/Paris",
        endDate: "",
      },
    ],
  },
  "checkout.simulated.$session.tsx": {
    role: "anonymous",
    url: () => "http://t/checkout/simulated/x",
    params: (f, pick) => ({ session: pick(f.sessions) }),
    forms: () => [
      { cardNumber: "4242 4242 4242 4242", expiry: "12 / 34", cvc: "123" },
      { cardNumber: "4000 0000 0000 0002", expiry: "12/34", cvc: "123" },
      { cardNumber: "4000 0027 6000 3184", expiry: "12/34", cvc: "123" },
      { intent: "cancel" },
    ],
  },
  "checkout.simulated.$session_.authenticate.tsx": {
    role: "anonymous",
    url: () => "http://t/checkout/simulated/x/authenticate",
    params: (f, pick) => ({ session: pick(f.sessions) }),
    forms: () => [{ decision: "approve" }, { decision: "decline" }],
  },
  "lang.ts": {
    role: "anonymous",
    url: () => "http://t/lang",
    params: () => ({}),
    forms: () => [{ locale: "en", redirectTo: "/campaigns/x?y=1" }],
  },
  "manage.campaigns.$id.tsx": {
    role: "owner",
    url: (f) => `http://t/manage/campaigns/${f.draft}`,
    params: (f) => ({ id: f.draft }),
    forms: (f) => [
      {
        intent: "details",
        title: "Le brouillon",
        slug: "le-brouillon",
        tagline: "Un projet en préparation",
        story: "Une histoire assez longue pour être acceptée.",
        goal: "1 000",
        currency: "EUR",
        fundingModel: "flexible",
        durationDays: "20",
        timeZone: "Europe/Paris",
        endDate: "",
      },
      { intent: "add-tier", title: "Merci", description: "Un mot", minimum: "10", limit: "5", delivery: "" },
      {
        intent: "update-tier",
        tierId: f.draftTier,
        title: "Merci",
        minimum: "12",
        limit: "",
        delivery: "2027-01",
      },
      { intent: "move-tier", tierId: f.draftTier, direction: "up" },
      { intent: "add-stretch", title: "Un four", target: "2 000" },
      {
        intent: "post-update",
        title: "Des nouvelles",
        body: "Une nouvelle assez longue pour être postée.",
        visibility: "public",
      },
      { intent: "preview", story: "# Titre\n\nDu **texte**." },
      { intent: "translate", title: "The draft", tagline: "A project in the making", story: "" },
      { intent: "add-stretch", title: "Un banc", target: "3 000", description: "Pour la cour" },
      { intent: "risks", risks: "Le **chantier** peut prendre du retard." },
      { intent: "add-faq", question: "Quand ouvrez-vous ?", answer: "Au printemps." },
      { intent: "add-budget", label: "Loyer, trois premiers mois", amount: "4 500" },
      { intent: "update-budget", lineId: "nope", label: "Découpeuse laser", amount: "6 000" },
      { intent: "translate-budget", lineId: "nope", label: "Laser cutter" },
    ],
  },
  "pledges.$id.tsx": {
    role: "anonymous",
    url: (f, c) =>
      `http://t/pledges/${f.committed}?token=${pledgeToken(c.config.SESSION_SECRET, f.committed)}`,
    params: (f) => ({ id: f.committed }),
    forms: (f) => [
      { tierId: f.openTier, amount: "30" },
      { tierId: "", amount: "15" },
    ],
  },
  "sign-in.tsx": {
    role: "anonymous",
    url: () => "http://t/sign-in",
    params: () => ({}),
    forms: () => [{ email: "someone@example.org", redirectTo: "/account" }],
  },
  "sign-out.ts": {
    role: "backer",
    url: () => "http://t/sign-out",
    params: () => ({}),
    forms: () => [{}],
  },
  "unsubscribe.tsx": {
    role: "anonymous",
    url: (_f, c) => unsubscribeUrl(c.config.PUBLIC_URL, c.config.SESSION_SECRET, "fan@example.org", "digest"),
    params: () => ({}),
    forms: () => [{}],
  },
  "webhooks.stripe.ts": {
    role: "anonymous",
    url: () => "http://t/webhooks/stripe",
    params: () => ({}),
    forms: () => [{ id: "evt_1", type: "checkout.session.completed" }],
  },
};

/** mulberry32: small, fast and the same on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(text: string): number {
  let hash = SEED;
  for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return hash >>> 0;
}

const oddNumbers = [
  "1e309",
  "-0",
  "NaN",
  "Infinity",
  "-1",
  "0",
  "0x10",
  "1e-7",
  "99999999999999999999",
  "0,001",
  "10.555",
  "1 000 000,00",
  "-25",
  "2.5.5",
];
const oddUnicode = ["é", "😀", "\u202e", "𝒳", "\ufeff", "İ", "\ud800", "ß", "日本", "\u0301"];
const wrongKinds = [
  "true",
  "null",
  "undefined",
  "{}",
  "[]",
  "[object Object]",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "../../etc/passwd",
];
const controls = ["\u0000", "\n", "\r\n", "\t", "\u0007", "\u001b[31m", "\u007f"];

/** One mutated submission, as the pairs of a form body (a field may come twice). */
function mutate(
  base: Record<string, string | undefined>,
  random: () => number,
): { pairs: [string, string][]; ops: string[] } {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  let pairs = Object.entries(base).filter((pair): pair is [string, string] => pair[1] !== undefined);
  const ops: string[] = [];
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    const index = Math.floor(random() * Math.max(pairs.length, 1));
    const field = pairs[index]?.[0] ?? "extra";
    const op = pick(["drop", "empty", "huge", "unicode", "number", "repeat", "kind", "control", "extra"]);
    ops.push(`${op}:${field}`);
    const set = (value: string) => {
      if (pairs[index]) pairs[index] = [field, value];
      else pairs.push([field, value]);
    };
    if (op === "drop") pairs = pairs.filter((_, j) => j !== index);
    else if (op === "empty") set("");
    else if (op === "huge") set(pick(["x", "é", "😀", "9"]).repeat(10_240));
    else if (op === "unicode") set(`${pairs[index]?.[1] ?? ""}${pick(oddUnicode)}`);
    else if (op === "number") set(pick(oddNumbers));
    else if (op === "repeat") pairs.push([field, pick([...oddNumbers, ...wrongKinds, ""])]);
    else if (op === "kind") set(pick(wrongKinds));
    else if (op === "control") set(`${pairs[index]?.[1] ?? ""}${pick(controls)}x`);
    else
      pairs.push([
        pick(["intent", "tierId", "amount", "redirectTo", "__proto__", "constructor", "z"]),
        pick(wrongKinds),
      ]);
  }
  return { pairs, ops };
}

function toFormData(params: URLSearchParams): FormData {
  const form = new FormData();
  for (const [name, value] of params) form.append(name, value);
  return form;
}

/** Every message key an answer carries must exist, or the page would crash rendering it. */
function unknownKeys(data: unknown): string[] {
  const found: string[] = [];
  if (!data || typeof data !== "object") return found;
  const record = data as Record<string, unknown>;
  if (record.errors && typeof record.errors === "object")
    for (const value of Object.values(record.errors as Record<string, unknown>))
      if (!isMessageKey(value)) found.push(String(value));
  if (typeof record.error === "string" && !isMessageKey(record.error)) found.push(record.error);
  return found;
}

let fixture: Fixture;
let context: AppLoadContext;
const people: Partial<Record<Role, { id: string; cookie: string; csrf: string }>> = {};

beforeAll(async () => {
  const handle = database();
  const now = new Date();
  context = testContext(handle, {
    config: loadConfig({
      PUBLIC_URL: "http://localhost:3000",
      SESSION_SECRET: "fuzz-secret-".padEnd(40, "x"),
      ADMIN_EMAILS: "admin@example.org",
    }),
  });
  for (const [role, email] of [
    ["owner", "owner@example.org"],
    ["backer", "backer@example.org"],
    ["admin", "admin@example.org"],
  ] as const)
    people[role] = await signedInAs(context, email);

  const future = new Date(now.getTime() + 20 * 86_400_000).toISOString();
  const launched = new Date(now.getTime() - 86_400_000).toISOString();
  const live = await createCampaign(handle.db, {
    owner_id: people.owner!.id,
    slug: "fuzz-live",
    launched_at: launched,
    deadline_at: future,
  });
  const limitedTier = await createTier(handle.db, live, {
    min_amount: 2_000,
    stock_limit: 5,
    title: "Limité",
  });
  const openTier = await createTier(handle.db, live, { min_amount: 1_000, position: 1, title: "Ouvert" });
  const flexible = await createCampaign(handle.db, {
    owner_id: people.owner!.id,
    slug: "fuzz-flexible",
    funding_model: "flexible",
    launched_at: launched,
    deadline_at: future,
  });
  const collected = [
    await collectedPledge(handle.db, flexible, 7_000, now),
    await collectedPledge(handle.db, flexible, 3_000, now),
  ];
  const committed = await committedPledge(handle.db, live, 2_500, now);
  const draft = await createCampaign(handle.db, {
    owner_id: people.owner!.id,
    slug: "fuzz-draft",
    status: "draft",
    launched_at: null,
    deadline_at: null,
  });
  const draftTier = await createTier(handle.db, draft);
  fixture = {
    live,
    liveSlug: "fuzz-live",
    limitedTier,
    openTier,
    flexible,
    collected,
    draft,
    draftTier,
    committed,
    sessions: [],
    comment: await postComment(
      handle.db,
      {
        campaignId: live,
        actor: { id: people.backer!.id, email: "backer@example.org", admin: false },
        kind: "question",
        body: "Quand ouvrez-vous ?",
      },
      now,
    ),
  };

  // Checkouts started through the real pledge form: pending pledges holding stock, with sessions.
  const pledgeAction = Object.entries(modules).find(
    ([p]) => basename(p) === "campaigns.$slug_.pledge.tsx",
  )![1].action!;
  for (let i = 0; i < 4; i++) {
    const answer = await callRoute(pledgeAction as never, {
      url: `http://t/campaigns/fuzz-live/pledge`,
      params: { slug: "fuzz-live" },
      context,
      form: {
        ...pledgeForm(fixture),
        tierId: i % 2 ? openTier : limitedTier,
        email: `start${i}@example.org`,
      },
    });
    const session = /\/checkout\/simulated\/([^/?]+)/.exec(answer.location ?? "")?.[1];
    expect(session, JSON.stringify(answer)).toBeDefined();
    fixture.sessions.push(session!);
  }
});

test("every route with an action is fuzzed", () => {
  const withActions = Object.entries(modules)
    .filter(([, module]) => typeof module.action === "function")
    .map(([path]) => basename(path))
    .sort();
  expect(withActions.filter((file) => !(file in targets))).toEqual([]);
  expect(Object.keys(targets).filter((file) => !withActions.includes(file))).toEqual([]);
});

describe.each(Object.entries(targets))("%s", (file, target) => {
  test(`${RUNS} mutated submissions: no 5xx, only known messages`, async () => {
    const action = Object.entries(modules).find(([p]) => basename(p) === file)![1].action!;
    const random = prng(seedOf(file));
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
    const person = people[target.role];
    const failures: string[] = [];
    const statuses: Record<number, number> = {};
    for (let run = 0; run < RUNS; run++) {
      const base = pick(target.forms(fixture));
      const { pairs, ops } = mutate(person ? { ...base, csrf: person.csrf } : base, random);
      // Now and then a multipart body, with a file where a text was expected.
      let body: URLSearchParams | FormData;
      if (random() < 0.15) {
        body = new FormData();
        for (const [name, value] of pairs) body.append(name, value);
        if (random() < 0.5)
          body.append(
            pick(["cover", ...pairs.map(([n]) => n)]),
            new Blob([pick(["GIF89a", "\u0000\u0001", "x".repeat(2_000)])]),
            "f.png",
          );
        ops.push("multipart");
      } else {
        body = new URLSearchParams(pairs);
      }
      const label = `run ${run} (FUZZ_SEED=${SEED}) ${ops.join(" ")}`;
      // What the server's front refuses (a NUL anywhere) never reaches the action: a 400 page.
      if (!acceptableForm(body instanceof FormData ? body : toFormData(body))) {
        statuses[400] = (statuses[400] ?? 0) + 1;
        continue;
      }
      try {
        const answer = await callRoute(action as never, {
          url: target.url(fixture, context),
          params: target.params(fixture, pick),
          // A new address per submission, so that the rate limits (tested on their own) do not
          // turn most of the fuzz into 429s before it reaches the parsing.
          context: { ...context, clientIp: `10.${run >> 8}.${run & 255}.${Math.floor(random() * 250) + 1}` },
          body,
          headers: person ? { Cookie: person.cookie } : {},
        });
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        if (answer.status >= 500) failures.push(`${label}: status ${answer.status}`);
        const unknown = unknownKeys(answer.data);
        if (unknown.length) failures.push(`${label}: unknown message keys ${unknown.join(", ")}`);
        const size = JSON.stringify(answer.data ?? null).length;
        if (size > 120_000) failures.push(`${label}: answer of ${size} characters`);
      } catch (error) {
        failures.push(`${label}: threw ${error instanceof Error ? error.stack : String(error)}`);
      }
    }
    expect(failures.slice(0, 5), `statuses ${JSON.stringify(statuses)}`).toEqual([]);
  }, 180_000);
});

test("after the fuzz the money still adds up", async () => {
  const { db } = database();
  for (const campaign of await db
    .selectFrom("campaigns")
    .select(["id", "pledged_amount", "backer_count"])
    .execute()) {
    const totals = await recomputeTotals(db, campaign.id);
    expect({
      id: campaign.id,
      pledged: Number(campaign.pledged_amount),
      backers: Number(campaign.backer_count),
    }).toEqual({
      id: campaign.id,
      ...totals,
    });
  }
  const tiers = await db
    .selectFrom("reward_tiers")
    .select((eb) => [
      "id",
      "claimed_count",
      eb
        .selectFrom("pledges")
        .select(sql<number>`count(*)`.as("n"))
        .whereRef("pledges.tier_id", "=", "reward_tiers.id")
        .where("pledges.holds_stock", "=", 1)
        .as("holders"),
    ])
    .execute();
  for (const tier of tiers)
    expect({ id: tier.id, claimed: Number(tier.claimed_count) }).toEqual({
      id: tier.id,
      claimed: Number(tier.holders),
    });
  expect(await unbalancedTransactions(db)).toEqual([]);
  // The fuzz did reach the domain: pledges were started beyond the four made before it.
  const pledges = await db
    .selectFrom("pledges")
    .select(sql<number>`count(*)`.as("n"))
    .executeTakeFirstOrThrow();
  expect(Number(pledges.n)).toBeGreaterThan(7);
});
