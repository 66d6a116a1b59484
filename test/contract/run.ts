// `npm run test:stripe`: the contract test against Stripe's real test mode, only when a test-mode key
// is given (STRIPE_TEST_SECRET_KEY=sk_test_…); without one it says why and succeeds. Never part of
// `npm test`: it needs the network and an account, which a clone does not have.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const key = process.env.STRIPE_TEST_SECRET_KEY ?? "";
if (key === "") {
  console.log(
    "test:stripe skipped: STRIPE_TEST_SECRET_KEY is not set. Set it to a test-mode secret key " +
      "(sk_test_…, from https://dashboard.stripe.com/test/apikeys) to run test/contract/stripe.test.ts " +
      "against Stripe's test mode.",
  );
  process.exit(0);
}
if (!/^(sk|rk)_test_/.test(key)) {
  console.error(
    "test:stripe refuses to run: STRIPE_TEST_SECRET_KEY is not a test-mode key (sk_test_… or rk_test_…).",
  );
  process.exit(1);
}
const root = fileURLToPath(new URL("../..", import.meta.url));
const result = spawnSync(
  `${root}node_modules/.bin/vitest`,
  ["run", "--config", "test/contract/vitest.config.ts", ...process.argv.slice(2)],
  { cwd: root, stdio: "inherit" },
);
process.exit(result.status ?? 1);
