// The Content-Security-Policy nonce of the response being rendered, for Remix's inline scripts.
// On the server it comes from the load context; in the browser it is "" (browsers hide it anyway).
import { createContext, useContext } from "react";

export const NonceContext = createContext("");

export function useNonce(): string {
  return useContext(NonceContext);
}
