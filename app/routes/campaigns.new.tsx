// A signed-in person starts a campaign: a draft they own, edited on its manage page.
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { assertCsrf } from "~/auth/csrf.server";
import { requireUser } from "~/auth/session.server";
import { CsrfField } from "~/components/CsrfField";
import { campaignFormSchema } from "~/campaigns/campaign-form";
import { createDraft } from "~/campaigns/authoring.server";
import { CampaignDetailsForm } from "~/components/CampaignDetailsFields";
import { echoValues, fieldLimits } from "~/lib/form-echo";
import { firstErrors } from "~/lib/form-errors";
import { refusal } from "~/lib/forms.server";
import { intlLocale } from "~/i18n/catalogue.server";
import { useTranslate, pageMeta } from "~/components/use-locale";
import { requestLocale } from "~/lib/request.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const values = Object.fromEntries([...(await request.formData())].map(([k, v]) => [k, String(v)]));
  assertCsrf(values, user, context.config.SESSION_SECRET);
  const schema = campaignFormSchema(intlLocale(requestLocale(request)));
  const echoed = echoValues(values, fieldLimits(schema, { goal: 32, durationDays: 8 }));
  const parsed = schema.safeParse(values);
  if (!parsed.success) return data({ errors: firstErrors(parsed.error), values: echoed }, { status: 400 });
  try {
    const id = await createDraft(context.db, user.id, parsed.data, context.clock());
    return redirect(`/manage/campaigns/${id}`);
  } catch (error) {
    return refusal(error, echoed);
  }
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => pageMeta(matches, (t) => t("editor.new"));

export default function NewCampaign() {
  const result = useActionData<typeof action>();
  const t = useTranslate();
  return (
    <section className="narrow" aria-labelledby="new-title">
      <h1 id="new-title">{t("editor.new")}</h1>
      <CampaignDetailsForm
        values={
          result?.values ?? {
            currency: "EUR",
            durationDays: "30",
            timeZone: "Europe/Paris",
            fundingModel: "all_or_nothing",
          }
        }
        errors={result?.errors ?? {}}
        frozen={false}
        hidden={<CsrfField />}
      />
    </section>
  );
}
