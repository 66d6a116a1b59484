// The site's stylesheet, written into every page's <head> instead of linked: a linked stylesheet is
// one more request the first paint waits for, and on a phone on slow 4G it was most of the wait
// (Lighthouse's mobile defaults: LCP 1.8–2.0 s linked, 0.7–1.1 s inlined; docs/benchmarks.md).
// The server's entry gives the CSS (a `?inline` import, so it is in no browser bundle); the browser's
// entry reads it back from the page, so that hydration renders the same element.
import { createContext, useContext } from "react";
import { useNonce } from "~/components/Nonce";

export const StylesContext = createContext("");

export const STYLES_ID = "app-styles";

export function InlineStyles() {
  const css = useContext(StylesContext);
  const nonce = useNonce();
  return <style id={STYLES_ID} nonce={nonce} dangerouslySetInnerHTML={{ __html: css }} />;
}
