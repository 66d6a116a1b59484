// Demo data: La Machinerie, a coworking space and fablab in Amiens raising 15 000 € in 15 days,
// plus one funded and one draft campaign. Idempotent: a campaign whose slug exists is left alone.
import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database, NewPledge, PledgeStatus } from "./schema.ts";

const DAY = 86_400_000;

export interface SeedOptions {
  now: Date;
  /** The campaign deadline rule (end of the last local day); passed in because db/ never imports app/. */
  deadlineFor: (launchedAt: Date, durationDays: number, timeZone: string) => Date;
  /** Posts a collected demo pledge to the ledger, in the seeding transaction (the ledger's rules live in app/). */
  recordCollected: (
    trx: Transaction<Database>,
    pledge: { pledgeId: string; campaignId: string; amount: number; currency: string; at: Date },
  ) => Promise<void>;
}

export interface SeedResult {
  created: string[];
  skipped: string[];
}

interface DemoTier {
  title: [fr: string, en: string];
  description: [fr: string, en: string];
  minAmount: number;
  stockLimit: number | null;
  delivery: string | null;
  shipping: boolean;
  /** Demo pledges on this tier: how many, and what each gave (minor units), by index. */
  pledges: { count: number; amount: (i: number) => number };
}

interface DemoCampaign {
  slug: string;
  owner: { email: string; name: string };
  status: "live" | "succeeded" | "draft";
  title: [fr: string, en: string];
  tagline: [fr: string, en: string];
  story: [fr: string, en: string];
  cover: string;
  goal: number;
  durationDays: number;
  /** Days between launch and now; null for a draft. */
  launchedDaysAgo: number | null;
  pledgeStatus: PledgeStatus;
  tiers: DemoTier[];
  stretchGoals: { target: number; title: [string, string]; description: [string, string] }[];
  noRewardPledges: { count: number; amount: (i: number) => number };
}

const laMachinerieStoryFr = `## Un lieu pour fabriquer ensemble

**La Machinerie** est un tiers-lieu installé dans une ancienne filature du quartier Saint-Leu, à Amiens :
un espace de coworking de 30 postes et un fablab ouvert à toutes et tous, avec découpeuse laser,
imprimantes 3D, atelier bois et machines à coudre.

Depuis deux ans, nous accueillons des indépendants, des associations, des lycéens en stage, des
retraités bricoleurs et des artisans qui prototypent leurs objets. Il y a trois mois, nous avons signé
le bail du rez-de-chaussée voisin pour doubler la surface de l'atelier. **Il nous manque 15 000 €
pour payer les travaux et les six premiers mois de loyer.**

### À quoi servira l'argent

| Poste | Montant |
|---|---|
| Mise aux normes électriques de l'atelier | 6 200 € |
| Six mois de loyer du nouvel espace | 5 400 € |
| Établis, rangements et aspiration | 2 400 € |
| Frais de la plateforme et de paiement | 1 000 € |

### Tout ou rien

Si l'objectif n'est pas atteint à la fin de la campagne, **personne n'est débité**. Chaque
contribution compte : merci de faire passer le mot autour de vous !`;

const laMachinerieStoryEn = `## A place to make things together

**La Machinerie** is a third place in a former spinning mill in the Saint-Leu district of Amiens:
a 30-desk coworking space and a fablab open to everyone, with a laser cutter, 3D printers, a wood
workshop and sewing machines.

For two years we have welcomed freelancers, non-profits, high-school interns, retired tinkerers and
craftspeople prototyping their products. Three months ago we signed the lease for the ground floor
next door, to double the size of the workshop. **We need 15 000 € to pay for the works and the
first six months of rent.**

### Where the money goes

| Item | Amount |
|---|---|
| Bringing the workshop's wiring up to code | 6 200 € |
| Six months of rent for the new space | 5 400 € |
| Workbenches, storage and dust extraction | 2 400 € |
| Platform and payment fees | 1 000 € |

### All or nothing

If the goal is not met by the end of the campaign, **nobody is charged**. Every pledge counts:
please tell the people around you!`;

const campaigns: DemoCampaign[] = [
  {
    slug: "la-machinerie",
    owner: { email: "bonjour@lamachinerie.example", name: "Collectif La Machinerie" },
    status: "live",
    title: ["La Machinerie : 15 000 € en 15 jours", "La Machinerie: 15 000 € in 15 days"],
    tagline: [
      "Le coworking et fablab d'Amiens double son atelier : aidez-nous à payer le bail.",
      "Amiens's coworking space and fablab doubles its workshop: help us pay the lease.",
    ],
    story: [laMachinerieStoryFr, laMachinerieStoryEn],
    cover: "/images/la-machinerie.svg",
    goal: 1_500_000,
    durationDays: 15,
    launchedDaysAgo: 6,
    pledgeStatus: "committed",
    tiers: [
      {
        title: ["Merci !", "Thank you!"],
        description: [
          "Votre nom sur le mur des soutiens, à l'entrée de l'atelier.",
          "Your name on the supporters' wall at the workshop's entrance.",
        ],
        minAmount: 1_000,
        stockLimit: null,
        delivery: null,
        shipping: false,
        pledges: { count: 30, amount: (i) => (i % 6 === 0 ? 2_000 : 1_000) },
      },
      {
        title: ["Initiation au fablab", "Fablab introduction"],
        description: [
          "Trois heures pour apprendre la découpeuse laser et l'imprimante 3D, et repartir avec votre objet.",
          "Three hours to learn the laser cutter and the 3D printer, and leave with what you made.",
        ],
        minAmount: 4_000,
        stockLimit: null,
        delivery: "2027-02",
        shipping: false,
        pledges: { count: 35, amount: () => 4_000 },
      },
      {
        title: ["Adhésion annuelle + sac en lin", "Yearly membership + linen tote"],
        description: [
          "Un an d'adhésion à l'association et un sac en lin sérigraphié à l'atelier.",
          "A year's membership of the association and a linen tote screen-printed in the workshop.",
        ],
        minAmount: 8_000,
        stockLimit: null,
        delivery: "2027-01",
        shipping: true,
        pledges: { count: 12, amount: () => 8_000 },
      },
      {
        title: ["Pass coworking lève-tôt", "Early-bird coworking pass"],
        description: [
          "Un mois de poste nomade, café compris, à un prix réservé aux premiers soutiens.",
          "A month of hot desking, coffee included, at a price for the first backers.",
        ],
        minAmount: 12_000,
        stockLimit: 10,
        delivery: "2027-01",
        shipping: false,
        pledges: { count: 10, amount: () => 12_000 },
      },
      {
        title: ["Mécène de l'établi", "Workbench patron"],
        description: [
          "Votre nom gravé sur l'un des nouveaux établis, une soirée privée à l'atelier pour dix personnes.",
          "Your name engraved on one of the new workbenches, and a private evening in the workshop for ten.",
        ],
        minAmount: 50_000,
        stockLimit: 6,
        delivery: "2027-03",
        shipping: false,
        pledges: { count: 4, amount: () => 50_000 },
      },
    ],
    stretchGoals: [
      {
        target: 2_000_000,
        title: ["Une découpeuse laser grand format", "A large-format laser cutter"],
        description: [
          "Pour découper des panneaux entiers de contreplaqué et ouvrir des ateliers mobilier.",
          "To cut whole plywood sheets and run furniture-making workshops.",
        ],
      },
      {
        target: 2_500_000,
        title: ["Un atelier vélo partagé", "A shared bike workshop"],
        description: [
          "Outils, pièces et bénévoles : réparer son vélo soi-même, un samedi sur deux.",
          "Tools, parts and volunteers: fix your own bike, every other Saturday.",
        ],
      },
    ],
    noRewardPledges: { count: 6, amount: (i) => [2_500, 5_000, 3_000, 2_000, 5_000, 3_500][i] ?? 2_500 },
  },
  {
    slug: "fournil-de-la-briqueterie",
    owner: { email: "coop@labriqueterie.example", name: "Épicerie coopérative La Briqueterie" },
    status: "succeeded",
    title: ["Un four à pain pour la Briqueterie", "A bread oven for La Briqueterie"],
    tagline: [
      "Un four à bois partagé pour que l'épicerie coopérative cuise son pain chaque semaine.",
      "A shared wood-fired oven so the co-op grocery can bake its own bread every week.",
    ],
    story: [
      "## Du pain cuit au quartier\n\nL'épicerie coopérative **La Briqueterie** a construit, avec ses 300 membres, un four à pain à bois dans la cour. Merci aux 112 contributeurs qui ont rendu cela possible !",
      "## Bread baked in the neighbourhood\n\nThe **La Briqueterie** co-op grocery and its 300 members built a wood-fired bread oven in the courtyard. Thank you to the 112 backers who made it happen!",
    ],
    cover: "/images/fournil.svg",
    goal: 600_000,
    durationDays: 30,
    launchedDaysAgo: 75,
    pledgeStatus: "collected",
    tiers: [
      {
        title: ["Une miche", "A loaf"],
        description: ["Une miche au levain à la première fournée.", "A sourdough loaf from the first bake."],
        minAmount: 1_500,
        stockLimit: null,
        delivery: "2026-10",
        shipping: false,
        pledges: { count: 70, amount: (i) => (i % 4 === 0 ? 3_000 : 1_500) },
      },
      {
        title: ["Atelier boulange", "Baking workshop"],
        description: [
          "Une matinée à pétrir et enfourner avec notre boulangère.",
          "A morning kneading and baking with our baker.",
        ],
        minAmount: 7_000,
        stockLimit: 30,
        delivery: "2026-11",
        shipping: false,
        pledges: { count: 30, amount: () => 7_000 },
      },
      {
        title: ["Brique gravée", "Engraved brick"],
        description: ["Votre nom sur une brique du four.", "Your name on one of the oven's bricks."],
        minAmount: 25_000,
        stockLimit: 12,
        delivery: "2026-10",
        shipping: false,
        pledges: { count: 12, amount: () => 25_000 },
      },
    ],
    stretchGoals: [],
    noRewardPledges: { count: 0, amount: () => 0 },
  },
  {
    slug: "repair-cafe-mobile",
    owner: { email: "contact@repaircafe-amiens.example", name: "Repair Café Amiens" },
    status: "draft",
    title: ["Un Repair Café qui roule", "A Repair Café on wheels"],
    tagline: [
      "Un triporteur équipé pour réparer grille-pains et vélos dans chaque quartier.",
      "A cargo trike fitted out to fix toasters and bikes in every neighbourhood.",
    ],
    story: [
      "## Réparer plutôt que jeter\n\nNous voulons aller au pied des immeubles avec un atelier mobile.",
      "## Repair rather than throw away\n\nWe want to bring a mobile workshop to the foot of every building.",
    ],
    cover: "/images/repair-cafe.svg",
    goal: 400_000,
    durationDays: 30,
    launchedDaysAgo: null,
    pledgeStatus: "committed",
    tiers: [
      {
        title: ["Un coup de main", "A helping hand"],
        description: [
          "Un autocollant et notre reconnaissance éternelle.",
          "A sticker and our eternal gratitude.",
        ],
        minAmount: 500,
        stockLimit: null,
        delivery: null,
        shipping: false,
        pledges: { count: 0, amount: () => 0 },
      },
    ],
    stretchGoals: [],
    noRewardPledges: { count: 0, amount: () => 0 },
  },
];

const firstNames = [
  "Camille",
  "Léa",
  "Hugo",
  "Inès",
  "Mehdi",
  "Chloé",
  "Louis",
  "Awa",
  "Jules",
  "Manon",
  "Yanis",
  "Sarah",
  "Théo",
  "Zoé",
  "Nathan",
  "Lina",
  "Paul",
  "Emma",
  "Karim",
  "Julie",
  "Lucas",
  "Margaux",
];
const lastInitials = "BDFGLMPRSTV";

async function seedCampaign(
  trx: Transaction<Database>,
  demo: DemoCampaign,
  { now, deadlineFor, recordCollected }: SeedOptions,
): Promise<void> {
  const iso = (date: Date) => date.toISOString();
  let owner = await trx
    .selectFrom("users")
    .select("id")
    .where("email", "=", demo.owner.email)
    .executeTakeFirst();
  if (!owner) {
    owner = { id: randomUUID() };
    await trx
      .insertInto("users")
      .values({
        id: owner.id,
        email: demo.owner.email,
        name: demo.owner.name,
        locale: "fr",
        created_at: iso(now),
      })
      .execute();
  }

  const launchedAt =
    demo.launchedDaysAgo === null ? null : new Date(now.getTime() - demo.launchedDaysAgo * DAY);
  const deadline = launchedAt ? deadlineFor(launchedAt, demo.durationDays, "Europe/Paris") : null;
  const campaignId = randomUUID();
  const createdAt = new Date((launchedAt ?? now).getTime() - 10 * DAY);
  await trx
    .insertInto("campaigns")
    .values({
      id: campaignId,
      slug: demo.slug,
      owner_id: owner.id,
      status: demo.status,
      language: "fr",
      title: demo.title[0],
      tagline: demo.tagline[0],
      story_md: demo.story[0],
      cover_image: demo.cover,
      goal_amount: demo.goal,
      currency: "EUR",
      funding_model: "all_or_nothing",
      time_zone: "Europe/Paris",
      duration_days: demo.durationDays,
      launched_at: launchedAt ? iso(launchedAt) : null,
      deadline_at: deadline ? iso(deadline) : null,
      closed_at: demo.status === "succeeded" && deadline ? iso(deadline) : null,
      created_at: iso(createdAt),
      updated_at: iso(now),
    })
    .execute();

  const translations: Database["content_translations"][] = [
    { subject_type: "campaign", subject_id: campaignId, locale: "en", field: "title", value: demo.title[1] },
    {
      subject_type: "campaign",
      subject_id: campaignId,
      locale: "en",
      field: "tagline",
      value: demo.tagline[1],
    },
    {
      subject_type: "campaign",
      subject_id: campaignId,
      locale: "en",
      field: "story_md",
      value: demo.story[1],
    },
  ];

  const pledges: NewPledge[] = [];
  let backerNumber = 0;
  const addPledges = (tierId: string | null, spec: DemoTier["pledges"], launchedAt: Date) => {
    for (let i = 0; i < spec.count; i++) {
      backerNumber++;
      // Spread over the days run so far, busier at the start, as real campaigns are.
      const daysRun = Math.min(demo.launchedDaysAgo ?? 0, demo.durationDays);
      const fraction = ((backerNumber * 7919) % 1000) / 1000;
      const at = new Date(launchedAt.getTime() + Math.floor(fraction ** 2 * daysRun * DAY));
      const name = `${firstNames[backerNumber % firstNames.length]} ${lastInitials[backerNumber % lastInitials.length]}.`;
      pledges.push({
        id: randomUUID(),
        campaign_id: campaignId,
        tier_id: tierId,
        backer_name: name,
        backer_email: `backer${backerNumber}@${demo.slug}.example`,
        amount: spec.amount(i),
        currency: "EUR",
        status: demo.pledgeStatus,
        // Collected demo pledges were paid through the simulated gateway, as a local install pays.
        ...(demo.pledgeStatus === "collected"
          ? {
              gateway: "simulated" as const,
              collected_at: iso(at),
              payment_intent_id: `sim_pi_demo_${backerNumber}`,
            }
          : {}),
        anonymous: backerNumber % 9 === 0 ? 1 : 0,
        // Each pledge on a tier holds one unit of the tier's claimed stock.
        holds_stock: tierId ? 1 : 0,
        comment: null,
        locale: backerNumber % 5 === 0 ? "en" : "fr",
        created_at: iso(at),
        committed_at: iso(at),
        updated_at: iso(at),
      });
    }
  };

  for (const [position, tier] of demo.tiers.entries()) {
    const tierId = randomUUID();
    await trx
      .insertInto("reward_tiers")
      .values({
        id: tierId,
        campaign_id: campaignId,
        position,
        title: tier.title[0],
        description: tier.description[0],
        min_amount: tier.minAmount,
        stock_limit: tier.stockLimit,
        claimed_count: tier.pledges.count,
        estimated_delivery: tier.delivery,
        shipping_required: tier.shipping ? 1 : 0,
        created_at: iso(createdAt),
      })
      .execute();
    translations.push(
      { subject_type: "reward_tier", subject_id: tierId, locale: "en", field: "title", value: tier.title[1] },
      {
        subject_type: "reward_tier",
        subject_id: tierId,
        locale: "en",
        field: "description",
        value: tier.description[1],
      },
    );
    if (launchedAt) addPledges(tierId, tier.pledges, launchedAt);
  }
  if (launchedAt) addPledges(null, demo.noRewardPledges, launchedAt);

  const stretchIds: { id: string; target: number }[] = [];
  for (const [position, goal] of demo.stretchGoals.entries()) {
    const goalId = randomUUID();
    stretchIds.push({ id: goalId, target: goal.target });
    await trx
      .insertInto("stretch_goals")
      .values({
        id: goalId,
        campaign_id: campaignId,
        position,
        target_amount: goal.target,
        title: goal.title[0],
        description: goal.description[0],
        reached_at: null,
      })
      .execute();
    translations.push(
      {
        subject_type: "stretch_goal",
        subject_id: goalId,
        locale: "en",
        field: "title",
        value: goal.title[1],
      },
      {
        subject_type: "stretch_goal",
        subject_id: goalId,
        locale: "en",
        field: "description",
        value: goal.description[1],
      },
    );
  }

  await trx.insertInto("content_translations").values(translations).execute();
  // Chunks keep each statement under SQLite's bound-parameter limit.
  for (let i = 0; i < pledges.length; i += 50) {
    await trx
      .insertInto("pledges")
      .values(pledges.slice(i, i + 50))
      .execute();
  }
  for (const pledge of pledges.filter((p) => p.status === "collected")) {
    await recordCollected(trx, {
      pledgeId: pledge.id,
      campaignId,
      amount: pledge.amount,
      currency: pledge.currency,
      at: new Date(pledge.collected_at!),
    });
  }
  // The running totals, computed from the rows just written.
  const pledgedAmount = pledges.reduce((sum, p) => sum + p.amount, 0);
  // Milestones the demo has already passed count as reached, so the next real pledge does not
  // announce them to every demo backer.
  const reached = [25, 50, 75, 100]
    .filter((percent) => pledgedAmount * 100 >= demo.goal * percent)
    .map(String)
    .concat(stretchIds.filter((goal) => goal.target <= pledgedAmount).map((goal) => `stretch:${goal.id}`));
  if (reached.length) {
    await trx
      .insertInto("campaign_milestones")
      .values(reached.map((milestone) => ({ campaign_id: campaignId, milestone, reached_at: iso(now) })))
      .execute();
  }
  await trx
    .updateTable("campaigns")
    .set({ pledged_amount: pledgedAmount, backer_count: pledges.length })
    .where("id", "=", campaignId)
    .execute();
}

/** Seeds the demo campaigns that are not there yet, in one transaction. */
export async function seedDemo(db: Kysely<Database>, options: SeedOptions): Promise<SeedResult> {
  return db.transaction().execute(async (trx) => {
    const existing = new Set(
      (
        await trx
          .selectFrom("campaigns")
          .select("slug")
          .where(
            "slug",
            "in",
            campaigns.map((c) => c.slug),
          )
          .execute()
      ).map((row) => row.slug),
    );
    const result: SeedResult = { created: [], skipped: [] };
    for (const demo of campaigns) {
      if (existing.has(demo.slug)) {
        result.skipped.push(demo.slug);
        continue;
      }
      await seedCampaign(trx, demo, options);
      result.created.push(demo.slug);
    }
    return result;
  });
}

/** True when the database has no campaign at all: a first start. */
export async function isEmpty(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom("campaigns").select("id").limit(1).executeTakeFirst();
  return row === undefined;
}
