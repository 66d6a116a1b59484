// POST /webhooks/stripe: the raw body goes to the webhook handler, which verifies its signature
// against the platform endpoint's secret or the Connect endpoint's (both may point here).
// A bad signature is a 400 (Stripe retries, nothing recorded); anything else known is a 200.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleStripeWebhook } from "~/checkout/webhooks.server";
import { CheckoutError } from "~/lib/errors";

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Method Not Allowed", { status: 405 });
  const secret = context.config.STRIPE_WEBHOOK_SECRET;
  if (!secret) return Response.json({ error: "Stripe webhooks are not configured" }, { status: 404 });
  // The signature covers the exact bytes Stripe sent: read them untouched.
  const rawBody = await request.text();
  try {
    const result = await handleStripeWebhook(
      {
        db: context.db,
        gateway: context.gateway,
        webhookSecret: secret,
        connectWebhookSecret: context.config.STRIPE_CONNECT_WEBHOOK_SECRET,
      },
      rawBody,
      request.headers.get("Stripe-Signature"),
      context.clock(),
    );
    return Response.json({ received: true, ...result });
  } catch (error) {
    if (error instanceof CheckoutError && error.code === "bad_signature") {
      return Response.json({ error: error.message }, { status: 400 });
    }
    throw error;
  }
}

export function loader() {
  return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
}
