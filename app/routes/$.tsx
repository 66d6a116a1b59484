// Any address no other route knows: the site's 404 page, inside the layout.
import { notFound } from "~/lib/request.server";

export function loader() {
  throw notFound();
}

export default function NotFound() {
  return null;
}
