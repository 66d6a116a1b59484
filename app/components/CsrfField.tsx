import { useRouteLoaderData } from "@remix-run/react";

/** The signed-in person's anti-forgery token, for every form that changes something. */
export function CsrfField() {
  const data = useRouteLoaderData<{ user: { csrf: string } | null }>("root");
  return data?.user ? <input type="hidden" name="csrf" value={data.user.csrf} /> : null;
}
