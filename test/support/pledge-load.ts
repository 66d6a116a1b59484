// A pledge load over HTTP against a running server, as bench/pledges.ts makes it: concurrent backers
// each post the pledge form, then pay on the simulated checkout with 4242…. Every answer is kept
// (status, or the network error when there was no answer) so a test can say which ones it allows.
import { randomUUID } from "node:crypto";
import http from "node:http";

export interface Answer {
  step: "pledge" | "pay";
  /** The HTTP status, or 0 when the connection failed without one (see `error`). */
  status: number;
  error?: string;
}

export interface PledgeLoad {
  answers: Answer[];
  /** Pledges whose payment went through (302 after the checkout). */
  committed: number;
  /** Resolves once every backer has stopped (after `stop()` or the deadline). */
  done: Promise<void>;
  stop(): void;
}

function post(url: string, path: string, form: URLSearchParams, agent: http.Agent) {
  const body = form.toString();
  return new Promise<{ status: number; location: string | null }>((resolve, reject) => {
    const request = http.request(
      `${url}${path}`,
      {
        method: "POST",
        agent,
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
          "Accept-Language": "en",
        },
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            location: (response.headers.location as string | undefined) ?? null,
          }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** What a backer picks: a tier ("" for none) and an amount in cents. */
export interface Choice {
  tierId: string;
  amount: number;
}

/**
 * Starts `backers` concurrent backers pledging to `slug` (choices taken in turn) until stopped, or
 * until `limit` pledges have been tried.
 */
export function startPledgeLoad(
  url: string,
  {
    slug,
    backers,
    choices,
    limit = Infinity,
  }: { slug: string; backers: number; choices: Choice[]; limit?: number },
): PledgeLoad {
  const agent = new http.Agent({ keepAlive: true, maxSockets: backers * 2 });
  const answers: Answer[] = [];
  let stopped = false;
  let counter = 0;
  const load: PledgeLoad = {
    answers,
    committed: 0,
    done: Promise.resolve(),
    stop: () => {
      stopped = true;
    },
  };

  async function step(kind: Answer["step"], path: string, form: URLSearchParams) {
    try {
      const response = await post(url, path, form, agent);
      answers.push({ step: kind, status: response.status });
      return response;
    } catch (error) {
      answers.push({ step: kind, status: 0, error: String(error) });
      return null;
    }
  }

  async function backer() {
    while (!stopped && counter < limit) {
      const n = counter++;
      const choice = choices[n % choices.length]!;
      const pledge = await step(
        "pledge",
        `/campaigns/${slug}/pledge`,
        new URLSearchParams({
          tierId: choice.tierId,
          amount: ((choice.amount + (n % 7) * 100) / 100).toFixed(2),
          name: `Load Backer ${n}`,
          email: `load${n}@example.org`,
          comment: "",
          consent: "on",
          submissionKey: randomUUID(),
          // A postal reward asks for an address; the others ignore it.
          delivery: "post",
          shipName: "Camille Dupont",
          shipLine1: "12 rue des Jacobins",
          shipPostalCode: "80000",
          shipCity: "Amiens",
          shipCountry: "FR",
        }),
      );
      if (pledge?.status !== 302 || !pledge.location) continue;
      const pay = await step(
        "pay",
        pledge.location,
        new URLSearchParams({
          cardNumber: "4242 4242 4242 4242",
          expiry: "12/30",
          cvc: "123",
          intent: "pay",
        }),
      );
      if (pay?.status === 302) load.committed++;
    }
  }

  load.done = Promise.all(Array.from({ length: backers }, backer)).then(() => agent.destroy());
  return load;
}
