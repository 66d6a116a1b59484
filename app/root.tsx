import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useMatches,
  useRouteError,
  useRouteLoaderData,
  type ClientLoaderFunctionArgs,
} from "@remix-run/react";
import { useMemo, type ReactNode } from "react";
import { isAdmin } from "~/auth/policy.server";
import { csrfToken } from "~/auth/csrf.server";
import { currentUser } from "~/auth/session.server";
import { CsrfField } from "~/components/CsrfField";
import { useNonce } from "~/components/Nonce";
import { InlineStyles } from "~/components/InlineStyles";
import { TestModeBanner } from "~/components/TestModeBanner";
import { pageMeta, usePageLanguage } from "~/components/use-locale";
import { pageLanguage } from "~/i18n/catalogue.server";
import { loadCatalogue, pageTranslator, type PageLanguage } from "~/i18n/format";
import { errorKind, isAppErrorData, isOutageData } from "~/lib/outage";
import { requestLocale } from "~/lib/request.server";

export const links: LinksFunction = () => [{ rel: "icon", href: "/favicon.svg", type: "image/svg+xml" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await currentUser(request, context);
  return {
    // The reader's language, and where its messages are: the browser fetches that language only, once.
    i18n: pageLanguage(requestLocale(request)),
    testMode: context.gateway.testMode,
    user: user
      ? {
          email: user.email,
          admin: isAdmin(user, context.config),
          csrf: csrfToken(context.config.SESSION_SECRET, user.sessionId),
        }
      : null,
  };
}

/** The error page's title (a 404, a 503, …); a page that names none has the site's. */
export const meta: MetaFunction<typeof loader> = ({ error, matches }) => {
  if (!error) return [{ title: "Tour de table" }];
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return pageMeta(matches, (t) => t(`error.${errorKind(status)}.title`));
};

/** A 503 while the database is unreachable tells clients when to come back (see outage.server.ts). */
export const headers: HeadersFunction = ({ errorHeaders }) => {
  const retryAfter = errorHeaders?.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

/**
 * Revalidations in the browser: when the language changed (the switch, or another tab's), its
 * messages are fetched before the page renders in it.
 */
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  const data = await serverLoader<typeof loader>();
  await loadCatalogue(data.i18n);
  return data;
}

/** The page's language: the root loader's, or the outage answer's when the loader could not run. */
function useLayoutLanguage(): PageLanguage {
  const fromLoader = usePageLanguage();
  const data = useRouteLoaderData<typeof loader>("root");
  const error = useRouteError();
  if (!data && isRouteErrorResponse(error) && isOutageData(error.data)) return error.data.i18n;
  return fromLoader;
}

function useLayoutTranslator() {
  const { locale } = useLayoutLanguage();
  return useMemo(() => pageTranslator(locale), [locale]);
}

function LanguageSwitch() {
  const t = useLayoutTranslator();
  const { locale, languages } = useLayoutLanguage();
  const location = useLocation();
  return (
    <Form method="post" action="/lang" className="lang-switch" aria-label={t("lang.label")}>
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      {languages
        .filter((language) => language.locale !== locale)
        .map((language) => (
          <button
            key={language.locale}
            type="submit"
            name="locale"
            value={language.locale}
            lang={language.locale}
            className="lang-switch__button"
          >
            {language.name}
          </button>
        ))}
    </Form>
  );
}

/** A signed-in person's places: the header shows them in a row, or in the phone's menu. */
function SignedInLinks({ admin }: { admin: boolean }) {
  const t = useLayoutTranslator();
  return (
    <>
      {admin ? <Link to="/admin">{t("admin.title")}</Link> : null}
      <Link to="/campaigns/new">{t("editor.new")}</Link>
      <Link to="/account">{t("auth.account")}</Link>
      <Form method="post" action="/sign-out">
        <CsrfField />
        <button type="submit" className="button-link">
          {t("auth.signOut")}
        </button>
      </Form>
    </>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const { locale, href } = useLayoutLanguage();
  const t = useLayoutTranslator();
  const nonce = useNonce();
  const embedded = useMatches().some(
    (match) => (match.handle as { embedded?: boolean } | undefined)?.embedded,
  );
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#1f3a5f" />
        {/* The reader's messages, fetched with the scripts; entry.client.tsx waits for them to hydrate. */}
        <link id="page-messages" rel="preload" as="fetch" href={href} crossOrigin="anonymous" />
        <Meta />
        <InlineStyles />
        <Links />
      </head>
      <body>
        {embedded ? (
          // The widget in another site's frame: the campaign alone, without the site's header.
          <>
            {data?.testMode ? <TestModeBanner /> : null}
            <main id="main">{children}</main>
          </>
        ) : (
          <>
            <a className="skip-link" href="#main">
              {t("nav.skip")}
            </a>
            {data?.testMode ? <TestModeBanner /> : null}
            <header className="site-header">
              <div className="site-header__inner">
                <Link to="/" className="brand" aria-label={`${t("site.name")} — ${t("nav.home")}`}>
                  <img src="/favicon.svg" alt="" width={32} height={32} />
                  <span className="brand__name">{t("site.name")}</span>
                </Link>
                <nav className="site-nav" aria-label={t("nav.home")}>
                  {data?.user ? (
                    <>
                      <div className="site-nav__links">
                        <SignedInLinks admin={data.user.admin} />
                      </div>
                      {/* On a phone the same links fold into a menu, which opens without JavaScript. */}
                      <details className="site-menu">
                        <summary className="site-menu__toggle">{t("nav.menu")}</summary>
                        <div className="site-menu__panel">
                          <SignedInLinks admin={data.user.admin} />
                        </div>
                      </details>
                    </>
                  ) : (
                    <Link to="/sign-in">{t("auth.signIn")}</Link>
                  )}
                  <LanguageSwitch />
                </nav>
              </div>
            </header>
            <main id="main" tabIndex={-1}>
              {children}
            </main>
            <footer className="site-footer">
              <p>{t("footer.text")}</p>
              <p>
                <Link to="/privacy">{t("footer.privacy")}</Link>
              </p>
            </footer>
          </>
        )}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

/**
 * One error page for the whole site, with the answer's status: 404s say so, 503s ask to come back soon,
 * a refusal (an AppError nobody caught, outage.server.ts) says nothing was changed, in its own words
 * when it brought some (its message key), anything else apologises and logs.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const t = useLayoutTranslator();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const kind = errorKind(status);
  const refusal = isRouteErrorResponse(error) && isAppErrorData(error.data) ? error.data.appError : null;
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-page__status">{status}</p>
      <h1 id="error-title">{t(`error.${kind}.title`)}</h1>
      <p>{t(refusal ? refusal.message : `error.${kind}.body`)}</p>
      <p>
        <Link to="/" className="button">
          {t("error.back")}
        </Link>
      </p>
    </section>
  );
}
