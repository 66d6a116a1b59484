// An update posted by the project's owner, its Markdown as the campaign page shows it.
import { Section } from "@react-email/components";
import { toPlainText } from "@react-email/render";
import { Action, Paragraph, translator } from "./layout";
import { defineEmail } from "./define";
import type { CampaignSnapshot } from "./types";

export interface UpdatePostedProps {
  campaign: CampaignSnapshot;
  title: string;
  /**
   * The update's Markdown as HTML, rendered and sanitized by the campaign page's own story renderer
   * when it was queued (app/campaigns/story.server.ts); links and images to our site are paths.
   */
  bodyHtml?: string;
  /** Emails queued before `bodyHtml`: the update as plain text. */
  excerpt?: string;
  url: string;
}

const style = {
  body: { fontSize: "16px", lineHeight: "24px", margin: "0 0 14px", overflowWrap: "break-word" },
  image: "max-width:100%;height:auto;border-radius:8px",
} as const;

/**
 * The sanitized HTML as an email needs it: a mail client has no page to resolve a path against, so
 * links and images to our site get its address; images fit a phone; and the links and images of the
 * update are marked, for the plain-text part to spell their addresses out.
 */
export function updateBodyForEmail(html: string, siteUrl: string): string {
  const site = siteUrl.replace(/\/$/, "");
  return html.replace(/<(a|img)\b([^>]*)>/g, (_tag, name: string, attributes: string) => {
    const absolute = attributes.replace(/(\s(?:href|src)=")\/(?!\/)/g, `$1${site}/`);
    const extra = name === "img" ? ` style="${style.image}"` : "";
    return `<${name} data-update=""${absolute}${extra}>`;
  });
}

export const updatePosted = defineEmail<UpdatePostedProps>(
  "updates",
  (p, { locale, siteUrl }) => {
    const t = translator(locale);
    const subject = t("email.update.subject", { title: p.campaign.title, update: p.title });
    const body = p.bodyHtml === undefined ? null : updateBodyForEmail(p.bodyHtml, siteUrl);
    const preview =
      body === null
        ? (p.excerpt ?? "")
        : toPlainText(body, { selectors: [{ selector: "a", options: { ignoreHref: true } }] })
            .replace(/\s+/g, " ")
            .trim();
    return {
      subject,
      preview: preview.slice(0, 120),
      body: (
        <>
          <Paragraph>{t("email.update.intro", { title: p.campaign.title })}</Paragraph>
          <Paragraph>
            <strong>{p.title}</strong>
          </Paragraph>
          {body === null ? (
            <Paragraph>{p.excerpt ?? ""}</Paragraph>
          ) : (
            <Section style={style.body}>
              <div dangerouslySetInnerHTML={{ __html: body }} />
            </Section>
          )}
          <Action href={p.url}>{t("email.update.action")}</Action>
        </>
      ),
    };
  },
  {
    // Text: "the workshop (https://…)", an image as its description and address.
    textSelectors: [
      {
        selector: "a[data-update]",
        format: "anchor",
        options: { linkBrackets: ["(", ")"], hideLinkHrefIfSameAsText: true },
      },
      { selector: "img[data-update]", format: "image", options: { linkBrackets: ["(", ")"] } },
    ],
  },
);
