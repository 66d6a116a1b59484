// The scheduler: small jobs run at fixed intervals in the app's process, each with the injected
// clock. Started with the server; stop() waits for a job in flight so SIGTERM loses nothing; while
// the database is unreachable the jobs back off and resume by themselves.
import type { Engine } from "#db/connection.ts";
import { isConnectionError } from "#db/connection-errors.ts";
import { clearExpiredRateLimits } from "~/auth/rate-limit.server";
import { deleteExpiredSessions } from "~/auth/session.server";
import { closeCampaignsDue, launchScheduledCampaigns } from "~/campaigns/lifecycle.server";
import { deliverDueEmails, type DeliveryDeps } from "~/notifications/delivery.server";
import { refreshStalePayoutAccounts } from "~/payouts/accounts.server";
import { recordProviderFees } from "~/payouts/provider-fees.server";
import { reverseAfterPayouts, sendApprovedPayouts } from "~/payouts/payouts.server";
import { dropUnpaidPledges, runChargeRun } from "~/pledges/charging.server";
import { queueDeadlineReminders, queueOwnerDigests } from "~/notifications/reminders.server";
import {
  captureAuthorisedPledges,
  releaseLatePayments,
  sweepAbandonedCheckouts,
} from "~/checkout/checkout.server";
import type { PaymentGateway } from "~/payments/gateway";
import { settleSimulatedDebits } from "~/checkout/simulated-checkout.server";
import { finishReservedRefunds } from "~/pledges/refunds.server";
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

/**
 * Payouts: Stripe transfers whose funds became available (or that a crash or a timeout left approved),
 * reversals after late refunds or disputes, and owners' accounts Stripe has not told us of lately.
 */
export function payoutJobs(deps: { db: Db; gateway: PaymentGateway; defaultFeeBps: number }): Job[] {
  return [
    { name: "send-approved-payouts", everyMs: 60_000, run: (now) => sendApprovedPayouts(deps, now) },
    {
      name: "refresh-payout-accounts",
      everyMs: 10 * 60_000,
      run: (now) => refreshStalePayoutAccounts(deps, now),
    },
    { name: "reverse-after-payouts", everyMs: 5 * 60_000, run: (now) => reverseAfterPayouts(deps, now) },
  ];
}

export function pledgeJobs(db: Db, gateway: PaymentGateway): Job[] {
  return [
    // Stock held by checkouts nobody finished goes back on sale, once the gateway says they cannot complete.
    {
      name: "expire-abandoned-checkouts",
      everyMs: 60_000,
      run: (now) => sweepAbandonedCheckouts(db, gateway, now),
    },
    // Authorisations and payments of checkouts that completed too late to count.
    { name: "release-late-payments", everyMs: 60_000, run: (now) => releaseLatePayments(db, gateway, now) },
    // Flexible authorisations a webhook could not capture at once.
    {
      name: "capture-authorised-pledges",
      everyMs: 60_000,
      run: (now) => captureAuthorisedPledges(db, gateway, now),
    },
    // Refunds reserved but left unanswered by a crash or a timeout: asked again with their own key.
    {
      name: "finish-reserved-refunds",
      everyMs: 60_000,
      run: (now) => finishReservedRefunds({ db, gateway }, now),
    },
    // Offline, the bank's answer to SEPA debits (Stripe sends payment_intent.succeeded / .payment_failed).
    ...(gateway.name === "simulated"
      ? [
          {
            name: "settle-simulated-debits",
            everyMs: 5_000,
            run: (now: Date) => settleSimulatedDebits(db, now),
          },
        ]
      : []),
  ];
}

/** Housekeeping of sign-in: sessions past their 30 days and rate-limit counters long expired. */
export function authJobs(db: Db): Job[] {
  return [
    { name: "delete-expired-sessions", everyMs: 10 * 60_000, run: (now) => deleteExpiredSessions(db, now) },
    { name: "clear-expired-rate-limits", everyMs: 5 * 60_000, run: (now) => clearExpiredRateLimits(db, now) },
  ];
}

/** While the database is unreachable a job is retried after 1 s, 2 s, 4 s … then every 30 s. */
export const backoff = { firstMs: 1_000, maxMs: 30_000 };

export function backoffDelay(failures: number): number {
  return Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.max(0, failures - 1));
}

export interface RunnerLog {
  warn: (line: string) => void;
  info: (line: string) => void;
}

/**
 * Runs each job `everyMs` after its previous run ended (a job never overlaps itself). When a job
 * fails because the database cannot be reached, the runner says so once for the whole outage, each
 * job backs off exponentially (capped), and the first success says the database is back and wakes
 * the jobs still waiting.
 */
export function startJobs(
  jobs: Job[],
  clock: Clock,
  log: RunnerLog = { warn: console.warn, info: console.log },
): { stop: () => Promise<void>; stats: () => { name: string; lagMs: number }[] } {
  const running = new Set<Promise<void>>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  // How late each job's last run started after it was due (for /metrics): a busy process shows here.
  const lagMs = new Map<string, number>();
  const failures = new Map<string, number>();
  let outageSince: Date | null = null;
  let stopped = false;

  function schedule(job: Job, delayMs: number) {
    if (stopped) return;
    clearTimeout(timers.get(job.name));
    const due = performance.now() + delayMs;
    timers.set(
      job.name,
      setTimeout(() => {
        timers.delete(job.name);
        lagMs.set(job.name, Math.max(0, performance.now() - due));
        const run = tick(job).finally(() => running.delete(run));
        running.add(run);
      }, delayMs),
    );
  }

  async function tick(job: Job): Promise<void> {
    try {
      await job.run(clock());
    } catch (error) {
      if (isConnectionError(error)) {
        const n = (failures.get(job.name) ?? 0) + 1;
        failures.set(job.name, n);
        if (!outageSince) {
          outageSince = clock();
          log.warn(
            `Database unreachable (${error instanceof Error ? error.message : String(error)}): jobs paused, retrying every ${backoff.firstMs / 1000}–${backoff.maxMs / 1000} s`,
          );
        }
        schedule(job, backoffDelay(n));
        return;
      }
      log.warn(`Job ${job.name} failed: ${String(error)}`);
      failures.delete(job.name);
      schedule(job, job.everyMs);
      return;
    }
    failures.delete(job.name);
    if (outageSince) {
      const seconds = (clock().getTime() - outageSince.getTime()) / 1000;
      outageSince = null;
      log.info(`Database reachable again after ${seconds.toFixed(1)} s: jobs resumed`);
      // The others are still waiting out their backoff: the database is back, run them now.
      for (const other of jobs) if (failures.has(other.name) && timers.has(other.name)) schedule(other, 0);
    }
    schedule(job, job.everyMs);
  }

  for (const job of jobs) schedule(job, job.everyMs);
  return {
    stats: () => jobs.map((job) => ({ name: job.name, lagMs: lagMs.get(job.name) ?? 0 })),
    async stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.all(running);
    },
  };
}
