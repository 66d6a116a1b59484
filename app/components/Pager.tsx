// Newer and older pages of a listing (keyset, lib/listing.ts): plain links, so paging works without
// JavaScript; `newer`/`older` are the links' query strings, absent at either end.
import { Link } from "@remix-run/react";
import { useTranslate } from "~/components/use-locale";

export function Pager({
  label,
  newer,
  older,
}: {
  label: string;
  newer?: string | null;
  older?: string | null;
}) {
  const t = useTranslate();
  if (!newer && !older) return null;
  return (
    <nav aria-label={label} className="pager">
      {newer ? (
        <Link to={newer} rel="prev">
          {t("dashboard.newer")}
        </Link>
      ) : null}{" "}
      {older ? (
        <Link to={older} rel="next">
          {t("dashboard.older")}
        </Link>
      ) : null}
    </nav>
  );
}
