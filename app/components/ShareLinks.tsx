// Share a campaign: plain links to an email and to Facebook, X, LinkedIn and WhatsApp's own share
// pages with the campaign's public URL. No third-party script, nothing loaded until a visitor
// follows one. Each opens in a new tab (`noopener`: the site opened cannot reach this page); the
// email link opens the visitor's mail app instead, so it stays in the page.
import { useTranslate } from "~/components/use-locale";

export function shareTargets({ url, text, subject }: { url: string; text: string; subject: string }) {
  const q = encodeURIComponent;
  return [
    { id: "email", href: `mailto:?subject=${q(subject)}&body=${q(`${text}\n\n${url}`)}` },
    { id: "facebook", href: `https://www.facebook.com/sharer/sharer.php?u=${q(url)}` },
    { id: "x", href: `https://twitter.com/intent/tweet?text=${q(text)}&url=${q(url)}` },
    { id: "linkedin", href: `https://www.linkedin.com/sharing/share-offsite/?url=${q(url)}` },
    { id: "whatsapp", href: `https://wa.me/?text=${q(`${text} ${url}`)}` },
  ] as const;
}

export function ShareLinks({ url, title }: { url: string; title: string }) {
  const t = useTranslate();
  const targets = shareTargets({ url, text: t("share.text", { title }), subject: title });
  return (
    <nav className="share" aria-label={t("share.label")}>
      <p className="share__title" aria-hidden="true">
        {t("share.title")}
      </p>
      <ul className="share__list" role="list">
        {targets.map((target) => (
          <li key={target.id}>
            <a
              className={`share__link share__link--${target.id}`}
              href={target.href}
              {...(target.id === "email" ? {} : { target: "_blank", rel: "noopener noreferrer" })}
            >
              {t(`share.${target.id}.name`)}
              <span className="visually-hidden">
                {t(target.id === "email" ? "share.email.hint" : "share.newTab")}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
