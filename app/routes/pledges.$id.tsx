// A backer's pledge, by its private link: the thank-you after checkout, and where to change or
// cancel it until the deadline.
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { parseForm, refusal, refusalOf } from "~/lib/forms.server";
import { PledgeChangeForm, type ChangeErrors } from "~/components/pledges/PledgeChangeForm";
import { deliveryChangeSchema, pledgeChangeSchema, type PledgeFormErrors } from "~/pledges/pledge-form";
import { changeDelivery } from "~/pledges/delivery.server";
import { DeliverySection } from "~/components/pledges/DeliverySection";
import { PledgeSummary } from "~/components/pledges/PledgeSummary";
import type { MessageKey } from "~/i18n/keys";
import { countryName, countryOptions } from "~/lib/countries";
import { verifyPledgeToken } from "~/auth/pledge-link.server";
import { getPledgeView } from "~/pledges/pledge-view.server";
import { beginCardUpdate } from "~/checkout/checkout.server";
import { cancelPledge, changePledge, getPledge } from "~/pledges/pledges.server";
import { intlLocale } from "~/i18n/catalogue.server";
import { matchesTranslator, useIntlLocale, useTranslate } from "~/components/use-locale";
import { formatMoney } from "~/lib/money";
import { notFound, requestLocale } from "~/lib/request.server";
import { ConfirmField } from "~/components/ConfirmField";
import { ShareLinks } from "~/components/ShareLinks";

function authorise(request: Request, pledgeId: string, secret: string): string {
  const token = new URL(request.url).searchParams.get("token");
  if (!verifyPledgeToken(secret, pledgeId, token)) {
    throw new Response("This link is not valid", { status: 403, statusText: "Forbidden" });
  }
  return token!;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const pledgeId = params.id ?? "";
  const token = authorise(request, pledgeId, context.config.SESSION_SECRET);
  const locale = requestLocale(request);
  const view = await getPledgeView(context.db, { pledgeId, locale, now: context.clock() });
  if (!view) throw notFound();
  const url = new URL(request.url);
  return {
    locale,
    token,
    view,
    thanks: url.searchParams.get("thanks") === "1",
    countries: view.delivery?.editable ? countryOptions(intlLocale(locale)) : [],
    // Named by the server, as the browser's Intl may name it otherwise.
    countryName: view.delivery?.values.shipCountry
      ? countryName(view.delivery.values.shipCountry, intlLocale(locale))
      : "",
    notice: url.searchParams.get("notice"),
    privateLink: `${context.config.PUBLIC_URL}/pledges/${pledgeId}?token=${token}`,
    campaignUrl: `${context.config.PUBLIC_URL}/campaigns/${view.options.campaign.slug}`,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const pledgeId = params.id ?? "";
  const token = authorise(request, pledgeId, context.config.SESSION_SECRET);
  const locale = requestLocale(request);
  const now = context.clock();
  const view = await getPledgeView(context.db, { pledgeId, locale, now });
  if (!view) throw notFound();
  const back = (notice: string) => redirect(`/pledges/${pledgeId}?token=${token}&notice=${notice}`);

  // The delivery's own form: its fields, its errors, apart from the reward-and-amount form's.
  if ((await request.clone().formData()).get("intent") === "address") {
    const delivery = view.delivery;
    const addressForm = await parseForm(
      request,
      deliveryChangeSchema({ shippingRequired: true, pickupPlace: delivery?.pickupPlace ?? null }),
    );
    const addressValues = addressForm.values;
    const refused = (addressErrors: PledgeFormErrors, status: number) =>
      data({ errors: {} as ChangeErrors, values: null, addressErrors, addressValues }, { status });
    if (!delivery?.editable)
      return refused({ form: delivery?.locked ? "pledgePage.addressLocked" : "pledgePage.locked" }, 409);
    if (!addressForm.ok) return refused(addressForm.errors as PledgeFormErrors, 400);
    try {
      await changeDelivery(context.db, pledgeId, addressForm.data!, now);
    } catch (error) {
      const { status, field, message } = refusalOf(error);
      return refused({ [field]: message }, status);
    }
    return back("address");
  }

  const schema = pledgeChangeSchema({
    currency: view.options.campaign.currency,
    locale: intlLocale(locale),
    fundingModel: view.options.campaign.fundingModel,
    tiers: view.options.tiers.map((tier) =>
      // The pledge's own reward stays available to it even when sold out.
      tier.id === view.pledge.tierId ? { ...tier, soldOut: false } : tier,
    ),
  });
  const form = await parseForm(request, schema, { limits: { tierId: 64, amount: 32 } });

  if (form.fields.intent === "fix") {
    if (!view.fixable)
      return data({ errors: { form: "pledgePage.locked" } as ChangeErrors, values: null }, { status: 409 });
    const pledge = await getPledge(context.db, pledgeId);
    const url = await beginCardUpdate(
      {
        db: context.db,
        gateway: context.gateway,
        publicUrl: context.config.PUBLIC_URL,
        secret: context.config.SESSION_SECRET,
      },
      pledge!,
      { slug: view.options.campaign.slug, title: view.options.campaign.title },
      now,
    );
    return redirect(url);
  }

  if (form.fields.intent === "cancel") {
    if (!view.cancelable)
      return data({ errors: { form: "pledgePage.locked" } as ChangeErrors, values: null }, { status: 409 });
    await cancelPledge(context.db, pledgeId, "backer", now);
    return back("canceled");
  }

  const { values } = form;
  if (!view.changeable)
    return data({ errors: { form: "pledgePage.locked" } as ChangeErrors, values }, { status: 409 });
  if (!form.ok) return data({ errors: form.errors as ChangeErrors, values }, { status: 400 });
  try {
    await changePledge(context.db, pledgeId, form.data, now);
  } catch (error) {
    return refusal(error, values);
  }
  return back("changed");
}

export const meta: MetaFunction<typeof loader> = ({ data: loaderData, matches }) => [
  { title: `${matchesTranslator(matches)("pledgePage.title")} — Tour de table` },
  { name: "robots", content: "noindex" },
  // While the payment is being confirmed, the page refreshes itself, even without JavaScript.
  ...(loaderData?.view.pledge.status === "pending" ? [{ httpEquiv: "refresh", content: "3" } as const] : []),
];

/** What each `?notice=` after a change says. */
const notices: Record<string, MessageKey> = {
  canceled: "pledgePage.canceled",
  address: "pledgePage.address.saved",
  changed: "pledgePage.changed",
};

export default function PledgeRoute() {
  const { view, thanks, notice, privateLink, token, campaignUrl, countries, countryName } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useTranslate();
  const locale = useIntlLocale();
  const { pledge, options } = view;
  const money = (amount: number) => formatMoney(amount, pledge.currency, locale, { withDecimals: true });
  const errors: ChangeErrors = actionData?.errors ?? {};
  // The delivery form's answer, when it was that form that was sent.
  const addressAnswer = actionData as
    { addressErrors?: PledgeFormErrors; addressValues?: Record<string, string> } | undefined;
  return (
    <section className="narrow pledge-page" aria-labelledby="pledge-page-title">
      <h1 id="pledge-page-title">{t("pledgePage.title")}</h1>
      {thanks && pledge.status !== "pending" && pledge.status !== "expired" ? (
        <p className="notice notice--success" role="status">
          {t("pledgePage.thanks", { name: pledge.backerName, title: options.campaign.title })}
        </p>
      ) : null}
      {thanks && pledge.status === "committed" ? (
        <div className="pledge-page__share">
          <p>{t("pledgePage.share")}</p>
          <ShareLinks url={campaignUrl} title={options.campaign.title} />
        </div>
      ) : null}
      {pledge.status === "pending" || view.processing ? (
        <p className="notice" role="status">
          {t(pledge.status === "pending" ? "pledgePage.pending" : "pledgePage.processing")}
        </p>
      ) : null}
      {notice && Object.hasOwn(notices, notice) ? (
        <p className="notice notice--success" role="status">
          {t(notices[notice]!)}
        </p>
      ) : null}
      {errors.form ? (
        <p className="notice notice--error" role="alert">
          {t(errors.form)}
        </p>
      ) : null}

      <PledgeSummary view={view} money={money} />

      <p className="private-link">
        {t("pledgePage.link")}
        <br />
        <code>{privateLink}</code>
      </p>

      {view.fixable ? (
        <Form method="post" action={`/pledges/${pledge.id}?token=${token}`} className="notice notice--error">
          <p>{t("pledgePage.failed")}</p>
          <button type="submit" name="intent" value="fix" className="button button--primary">
            {t("pledgePage.fix")}
          </button>
        </Form>
      ) : null}

      {view.delivery ? (
        <DeliverySection
          delivery={view.delivery}
          countries={countries}
          countryName={countryName}
          action={`/pledges/${pledge.id}?token=${token}`}
          errors={addressAnswer?.addressErrors ?? {}}
          typed={addressAnswer?.addressValues ?? null}
        />
      ) : null}

      {view.changeable ? (
        <PledgeChangeForm
          pledge={pledge}
          tiers={options.tiers}
          token={token}
          errors={errors}
          values={actionData?.values}
        />
      ) : null}

      {view.cancelable ? (
        <Form method="post" action={`/pledges/${pledge.id}?token=${token}`} className="cancel-form">
          <p>{t("pledgePage.cancelHint")}</p>
          <ConfirmField label={t("confirm.pledgeCancel")} />
          <button type="submit" name="intent" value="cancel" className="button button--danger">
            {t("pledgePage.cancel")}
          </button>
        </Form>
      ) : pledge.status === "collected" ? (
        <p className="muted">{t("pledgePage.locked")}</p>
      ) : null}
    </section>
  );
}
