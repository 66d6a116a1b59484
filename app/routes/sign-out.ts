import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { assertCsrf } from "~/auth/csrf.server";
import { currentUser, signOutHeaders } from "~/auth/session.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await currentUser(request, context);
  if (user) assertCsrf(await request.formData(), user, context.config.SESSION_SECRET);
  return redirect("/", { headers: await signOutHeaders(context, request) });
}

export function loader() {
  return redirect("/");
}
