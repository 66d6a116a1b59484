// Signing out ends the session on the server (a copied cookie stops working); `scope=everywhere`
// ends every session of the person, from the button on their account page.
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { assertCsrf } from "~/auth/csrf.server";
import { currentUser, signOutHeaders } from "~/auth/session.server";

const schema = z.object({ scope: z.enum(["this", "everywhere"]).catch("this") });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await currentUser(request, context);
  const form = await request.formData();
  if (user) assertCsrf(form, user, context.config.SESSION_SECRET);
  const { scope } = schema.parse({ scope: form.get("scope") ?? undefined });
  return redirect("/", {
    headers: await signOutHeaders(context, request, { everywhere: scope === "everywhere" }),
  });
}

export function loader() {
  return redirect("/");
}
