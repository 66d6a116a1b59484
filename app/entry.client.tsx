// Remix's default browser entry, after one fetch: the reader's messages (the page's
// <link id="page-messages">, preloaded with the scripts), so that the page hydrates in its language.
import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { loadCatalogue } from "~/i18n/format";

async function hydrate() {
  const link = document.getElementById("page-messages");
  const locale = document.documentElement.lang;
  if (link instanceof HTMLLinkElement && locale) {
    // Without them the page still hydrates; its texts then show as their keys until a reload.
    await loadCatalogue({ locale, href: link.href }).catch(() => undefined);
  }
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  });
}

void hydrate();
