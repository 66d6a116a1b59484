import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { signOutHeaders } from "~/auth/session.server";

export async function action({ request, context }: ActionFunctionArgs) {
  return redirect("/", { headers: await signOutHeaders(context, request) });
}

export function loader() {
  return redirect("/");
}
