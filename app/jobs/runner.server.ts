// The scheduler: small jobs run at fixed intervals in the app's process, each with the injected
// clock. Started with the server; stop() waits for a job in flight so SIGTERM loses nothing.
import type { Engine } from "#db/connection.ts";
import { clearExpiredRateLimits } from "~/auth/rate-limit.server";
import { deleteExpiredSessions } from "~/auth/session.server";
import { closeCampaignsDue } from "~/campaigns/closing.server";
import { launchScheduledCampaigns } from "~/campaigns/editor.server";
import { deliverDueEmails, type DeliveryDeps } from "~/notifications/delivery.server";
import { recordProviderFees } from "~/payouts/ledger.server";
import { reverseAfterPayouts, sendApprovedPayouts } from "~/payouts/payouts.server";
import { dropUnpaidPledges, runChargeRun } from "~/pledges/charging.server";
import { queueDeadlineReminders, queueOwnerDigests } from "~/notifications/reminders.server";
import { captureAuthorisedPledges } from "~/payments/checkout.server";
import type { PaymentGateway } from "~/payments/gateway";
import { expireAbandonedCheckouts } from "~/pledges/pledges.server";
import type { Db } from "~/lib/db.server";
import type { Clock } from "~/lib/time";

export interface Job {
  name: string;
  everyMs: number;
  run: (now: Date) => Promise<unknown>;
}

/** Emails: delivery every few seconds; the 48-hour reminders and owners' digests now and then. */
export function notificationJobs(deps: DeliveryDeps): Job[] {
  return [
    { name: "deliver-emails", everyMs: 2_000, run: (now) => deliverDueEmails(deps, now) },
    { name: "deadline-reminders", everyMs: 10 * 60_000, run: (now) => queueDeadlineReminders(deps.db, now) },
    { name: "owner-digests", everyMs: 30 * 60_000, run: (now) => queueOwnerDigests(deps.db, now) },
  ];
}

/** The deadline: close campaigns, charge saved cards, drop what stays unpaid past the grace period. */
export function deadlineJobs(
  deps: { db: Db; engine: Engine; gateway: PaymentGateway; clock: Clock },
  chargeRate: number,
): Job[] {
  return [
    { name: "launch-scheduled", everyMs: 15_000, run: (now) => launchScheduledCampaigns(deps.db, now) },
    { name: "close-campaigns", everyMs: 15_000, run: (now) => closeCampaignsDue(deps.db, now) },
    { name: "charge-run", everyMs: 30_000, run: () => runChargeRun(deps, { rate: chargeRate }) },
    { name: "drop-unpaid-pledges", everyMs: 60 * 60_000, run: (now) => dropUnpaidPledges(deps.db, now) },
    {
      name: "provider-fees",
      everyMs: 5 * 60_000,
      run: (now) => recordProviderFees(deps.db, deps.gateway, now),
    },
  ];
}

/** Payouts: Stripe transfers a crash or a timeout left approved, and reversals after late refunds or disputes. */
export function payoutJobs(deps: { db: Db; gateway: PaymentGateway; defaultFeeBps: number }): Job[] {
  return [
    { name: "send-approved-payouts", everyMs: 60_000, run: (now) => sendApprovedPayouts(deps, now) },
    { name: "reverse-after-payouts", everyMs: 5 * 60_000, run: (now) => reverseAfterPayouts(deps, now) },
  ];
}

export function pledgeJobs(db: Db, gateway: PaymentGateway): Job[] {
  return [
    // Stock held by checkouts nobody finished goes back on sale.
    { name: "expire-abandoned-checkouts", everyMs: 60_000, run: (now) => expireAbandonedCheckouts(db, now) },
    // Flexible authorisations a webhook could not capture at once.
    {
      name: "capture-authorised-pledges",
      everyMs: 60_000,
      run: (now) => captureAuthorisedPledges(db, gateway, now),
    },
  ];
}

/** Housekeeping of sign-in: sessions past their 30 days and rate-limit counters long expired. */
export function authJobs(db: Db): Job[] {
  return [
    { name: "delete-expired-sessions", everyMs: 10 * 60_000, run: (now) => deleteExpiredSessions(db, now) },
    { name: "clear-expired-rate-limits", everyMs: 5 * 60_000, run: (now) => clearExpiredRateLimits(db, now) },
  ];
}

export function startJobs(jobs: Job[], clock: Clock): { stop: () => Promise<void> } {
  const running = new Set<Promise<unknown>>();
  const busy = new Set<string>();
  const timers = jobs.map((job) =>
    setInterval(() => {
      if (busy.has(job.name)) return;
      busy.add(job.name);
      const run = job
        .run(clock())
        .catch((error: unknown) => console.warn(`Job ${job.name} failed: ${String(error)}`))
        .finally(() => {
          busy.delete(job.name);
          running.delete(run);
        });
      running.add(run);
    }, job.everyMs),
  );
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(running);
    },
  };
}
