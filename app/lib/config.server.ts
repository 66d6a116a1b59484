// Every environment variable the app reads, parsed by one zod schema at start-up.
// A wrong value stops the start with a message that names the variable and says what it should be.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { defaultDatabaseUrl } from "#db/connection.ts";

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"], {
    errorMap: () => ({ message: "expected true or false" }),
  })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const databaseUrl = z
  .string()
  .min(1)
  .refine(
    (url) => {
      if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || url.startsWith("file:")) return true;
      try {
        const parsed = new URL(url);
        return (
          (parsed.protocol === "postgres:" || parsed.protocol === "postgresql:") && parsed.hostname !== ""
        );
      } catch {
        return false;
      }
    },
    { message: "expected a file path, a file: URL, or postgres://user@host:port/database" },
  );

const limitCount = z.coerce
  .number({ invalid_type_error: "expected a whole number" })
  .int("expected a whole number")
  .min(1, "expected at least 1");

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce
    .number({ invalid_type_error: "expected a port number" })
    .int("expected a whole number")
    .min(0, "expected a port between 0 (any free port) and 65535")
    .max(65535, "expected a port between 0 (any free port) and 65535")
    .default(3000),
  /** This machine only by default; `0.0.0.0` listens on every interface (behind a proxy, in a container). */
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: databaseUrl.default(defaultDatabaseUrl),
  DATA_DIR: z.string().min(1).default("./data"),
  PUBLIC_URL: z
    .string()
    .url("expected an absolute URL such as https://tourdetable.example")
    .refine((u) => /^https?:/.test(u), "expected an http:// or https:// URL")
    .transform((u) => u.replace(/\/+$/, ""))
    .optional(),
  SESSION_SECRET: z.string().min(32, "expected at least 32 characters").optional(),
  SEED_DEMO: booleanFlag.default("true"),
  LOG_REQUESTS: booleanFlag.default("true"),
  SMTP_URL: z
    .string()
    .refine((u) => /^smtps?:\/\/[^/]+/.test(u), "expected smtp://user:password@host:port or smtps://…")
    .optional(),
  MAIL_FROM: z.string().min(3).optional(),
  /** Run the job runner (email delivery, expiries) inside the web process; off when `npm run worker` runs it. */
  JOBS: booleanFlag.default("true"),
  /** Who is an admin: a comma-separated list of email addresses. */
  ADMIN_EMAILS: z
    .string()
    .default("")
    .transform((list) =>
      list
        .split(",")
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    )
    .refine(
      (list) => list.every((e) => /^[^@\s]+@[^@\s]+$/.test(e)),
      "expected email addresses separated by commas",
    ),
  /** The platform's fee on what a campaign collects, in basis points (500 = 5 %). */
  PLATFORM_FEE_BPS: z.coerce
    .number({ invalid_type_error: "expected basis points, e.g. 500 for 5 %" })
    .int("expected a whole number of basis points")
    .min(0, "expected between 0 and 10000")
    .max(10_000, "expected between 0 and 10000")
    .default(500),
  /** Charges per second at the deadline: Stripe allows 25/s in test mode, 100/s live. */
  CHARGE_RATE: z.coerce
    .number({ invalid_type_error: "expected a number of requests per second" })
    .positive("expected a number of requests per second above 0")
    .max(100, "expected at most 100 (Stripe's live-mode limit)")
    .default(25),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w+$/, "expected a Stripe secret key (sk_test_… or sk_live_…)")
    .optional(),
  STRIPE_PUBLISHABLE_KEY: z
    .string()
    .regex(/^pk_(test|live)_\w+$/, "expected a Stripe publishable key (pk_test_… or pk_live_…)")
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\w+$/, "expected a webhook signing secret (whsec_…)")
    .optional(),
  /**
   * The Connect endpoint's signing secret: Stripe sends connected accounts' events (their
   * `account.updated`) to an endpoint of its own, signed with another secret.
   */
  STRIPE_CONNECT_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\w+$/, "expected a webhook signing secret (whsec_…)")
    .optional(),
  STRIPE_API_URL: z.string().url("expected an absolute URL such as http://127.0.0.1:12111").optional(),
  /**
   * Behind a reverse proxy: how many proxies' X-Forwarded-For entries to believe (`1` for one
   * proxy, `true` for all). Unset, the client is the socket's address and the header is ignored.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2})$/, "expected false, true, or the number of proxies in front (e.g. 1)")
    .transform((v) => (v === "true" ? Number.POSITIVE_INFINITY : v === "false" ? 0 : Number(v)))
    .default("false"),
  /** Pledge and checkout POSTs per client IP address per minute (429 beyond). */
  PLEDGE_LIMIT_PER_IP: limitCount.default(10),
  /** Pledge POSTs per backer email per 10 minutes. */
  PLEDGE_LIMIT_PER_EMAIL: limitCount.default(5),
  /** Unpaid checkouts holding a limited reward at once, per backer email and per client IP address. */
  HOLDS_PER_EMAIL: limitCount.default(2),
  HOLDS_PER_IP: limitCount.default(5),
  /**
   * How long an anonymous campaign page, once rendered, answers other anonymous visitors (per
   * campaign and language; each response still gets its own CSP nonce). 0 turns the cache off.
   */
  RENDER_CACHE_MS: z.coerce
    .number({ invalid_type_error: "expected milliseconds, e.g. 1000" })
    .int("expected a whole number of milliseconds")
    .min(0, "expected 0 (off) or more")
    .max(60_000, "expected at most 60000 (a minute)")
    .default(1_000),
  /**
   * Another production server build to serve instead of ./build/server/index.js: the benchmarks'
   * scratch copy, which adds a bare resource route to measure the page against.
   */
  SERVER_BUILD: z.string().min(1).optional(),
  /** The bearer token Prometheus sends to GET /metrics; unset, /metrics answers 404. */
  METRICS_TOKEN: z.string().min(16, "expected at least 16 characters (openssl rand -hex 16)").optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Omit<Env, "PUBLIC_URL" | "SESSION_SECRET" | "MAIL_FROM"> {
  PUBLIC_URL: string;
  SESSION_SECRET: string;
  MAIL_FROM: string;
  /** True when PUBLIC_URL points at this machine: the embedded defaults are allowed. */
  isLocal: boolean;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example.`);
    this.name = "ConfigError";
  }
}

function isLocalUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host.endsWith(".localhost");
}

/**
 * Parses the environment. Without SESSION_SECRET, a local install generates one once and keeps it
 * in DATA_DIR/session-secret so sessions survive restarts; a public deployment must set it.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // Empty strings (`PORT=` in a .env file) mean "not set", as people expect.
  const present = Object.fromEntries(
    Object.entries(source).filter(([key, value]) => key in envSchema.shape && value !== ""),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    // The first problem of each variable says enough to fix it.
    const byName = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      if (!byName.has(name))
        byName.set(name, `${name}: ${issue.message} (got ${JSON.stringify(present[name])})`);
    }
    throw new ConfigError([...byName.values()]);
  }
  const env = parsed.data;
  if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
    throw new ConfigError([
      "STRIPE_WEBHOOK_SECRET: required with STRIPE_SECRET_KEY, to verify Stripe's webhooks (whsec_… from the dashboard or `stripe listen`)",
    ]);
  }
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  const isLocal = isLocalUrl(publicUrl);
  let secret = env.SESSION_SECRET;
  if (!secret) {
    if (!isLocal) {
      throw new ConfigError([
        `SESSION_SECRET: required when PUBLIC_URL (${publicUrl}) is not a local address; generate one with: openssl rand -hex 32`,
      ]);
    }
    secret = localSessionSecret(resolve(env.DATA_DIR));
  }
  const mailFrom = env.MAIL_FROM ?? `Tour de table <no-reply@${new URL(publicUrl).hostname}>`;
  return { ...env, PUBLIC_URL: publicUrl, SESSION_SECRET: secret, MAIL_FROM: mailFrom, isLocal };
}

function localSessionSecret(dataDir: string): string {
  const file = join(dataDir, "session-secret");
  if (existsSync(file)) {
    const kept = readFileSync(file, "utf8").trim();
    if (kept.length >= 32) return kept;
  }
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
