// Remix's default browser entry, after one fetch: the reader's messages (the page's
// <link id="page-messages">, preloaded with the scripts), so that the page hydrates in its language,
// and the stylesheet the server inlined.
import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { STYLES_ID, StylesContext } from "~/components/InlineStyles";
import { catalogueFor, loadCatalogue } from "~/i18n/format";

async function hydrate() {
  const link = document.getElementById("page-messages");
  const locale = document.documentElement.lang;
  if (link instanceof HTMLLinkElement)
    await loadCatalogue({ locale, href: link.href }).catch(() => undefined);
  // Without its words React would redraw the page as keys: it stays as the server made it, and its
  // forms and links work as they do without JavaScript.
  if (!catalogueFor(locale)) return;
  // The page's inlined stylesheet, rendered again as the server wrote it.
  const styles = document.getElementById(STYLES_ID)?.textContent ?? "";
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <StylesContext.Provider value={styles}>
          <RemixBrowser />
        </StylesContext.Provider>
      </StrictMode>,
    );
  });
}

void hydrate();
