import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { listFundedCampaigns, listLiveCampaigns } from "~/campaigns/campaigns.server";
import { CampaignCard } from "~/components/CampaignCard";
import { matchesTranslator, useTranslate } from "~/components/use-locale";
import { requestLocale } from "~/lib/request.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const locale = requestLocale(request);
  const now = context.clock();
  const [live, funded] = await Promise.all([
    listLiveCampaigns(context.db, { locale, now }),
    listFundedCampaigns(context.db, { locale, now }),
  ]);
  return { locale, live, funded };
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => {
  const t = matchesTranslator(matches);
  return [
    { title: `${t("site.name")} — ${t("site.tagline")}` },
    { name: "description", content: t("home.lead") },
  ];
};

export default function Home() {
  const { live, funded } = useLoaderData<typeof loader>();
  const t = useTranslate();
  return (
    <>
      <section className="hero">
        <h1>{t("home.title")}</h1>
        <p className="hero__lead">{t("home.lead")}</p>
      </section>
      <section className="section" aria-labelledby="live-title">
        <h2 id="live-title">{t("home.live")}</h2>
        {live.length ? (
          <ul className="card-grid" role="list">
            {live.map((campaign, index) => (
              <li key={campaign.id}>
                <CampaignCard campaign={campaign} first={index === 0} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty">{t("home.none")}</p>
        )}
      </section>
      {funded.length ? (
        <section className="section" aria-labelledby="funded-title">
          <h2 id="funded-title">{t("home.recent")}</h2>
          <ul className="card-grid" role="list">
            {funded.map((campaign) => (
              <li key={campaign.id}>
                <CampaignCard campaign={campaign} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
