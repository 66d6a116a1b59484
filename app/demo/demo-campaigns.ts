// The demo's words and numbers: La Machinerie, a coworking space and fablab in Amiens raising
// 15 000 € in 15 days, plus one funded and one draft campaign. Data only; demo.server.ts plays it.

/** A text in the campaign's language (French) and its English translation. */
export type Bilingual = [fr: string, en: string];

export interface DemoTier {
  title: Bilingual;
  description: Bilingual;
  minAmount: number;
  stockLimit: number | null;
  delivery: string | null;
  shipping: boolean;
  /** A postal reward the backer may collect instead: where. */
  pickup?: string;
  /** Shipping to France, the EU and the world in minor units (null: not sent there); postal rewards only. */
  shippingCosts?: [number | null, number | null, number | null];
  /** Demo pledges on this tier: how many, and what each gave (minor units), by index. */
  pledges: DemoPledges;
}

export interface DemoPledges {
  count: number;
  amount: (i: number) => number;
}

/** The fields of the account page's profile form (auth/profile.server.ts), as typed. */
export interface DemoProfile {
  displayName: string;
  organisation: string;
  bio: string;
  place: string;
  website: string;
}

export interface DemoCampaign {
  slug: string;
  /** `name` as users get one at their first sign-in; the profile as the owner would write it, in French. */
  owner: { email: string; name: string; profile: DemoProfile };
  /** Where the demo leaves it: live (pledges saved), succeeded (closed and charged), or a draft. */
  status: "live" | "succeeded" | "draft";
  title: Bilingual;
  tagline: Bilingual;
  story: Bilingual;
  cover: string;
  goal: number;
  durationDays: number;
  /** Days between launch and now; null for a draft. */
  launchedDaysAgo: number | null;
  tiers: DemoTier[];
  stretchGoals: { target: number; title: Bilingual; description: Bilingual }[];
  /** The risks and challenges section (Markdown), if the demo shows one. */
  risks?: Bilingual;
  /** The FAQ's questions and answers, in order. */
  faq?: { question: Bilingual; answer: Bilingual }[];
  noRewardPledges: DemoPledges;
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

export const demoCampaigns: DemoCampaign[] = [
  {
    slug: "la-machinerie",
    owner: {
      email: "bonjour@lamachinerie.example",
      name: "Collectif La Machinerie",
      profile: {
        displayName: "Camille Roussel",
        organisation: "Association La Machinerie",
        bio: "Tiers-lieu associatif installé dans une ancienne filature de Saint-Leu : 30 postes de coworking, un fablab ouvert à toutes et tous et une centaine de membres bénévoles.",
        place: "Amiens",
        website: "https://lamachinerie.example",
      },
    },
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
        pickup: "La Machinerie, Amiens",
        // Free in France (where the demo's backers live), so the demo's totals stay round.
        shippingCosts: [0, 700, 1_200],
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
    risks: [
      "Le bail de l'atelier voisin est signé, mais **les travaux d'électricité** pourraient prendre un mois de plus que prévu : dans ce cas, les initiations commenceront en mars plutôt qu'en février, et nous vous écrirons dès que nous le saurons.\n\nSi la campagne n'atteint pas son objectif, personne n'est débité et nous chercherons un local plus petit.",
      "The lease on the workshop next door is signed, but **the electrical work** could take a month longer than planned: if so, the introductions will start in March rather than February, and we will write to you as soon as we know.\n\nIf the campaign does not reach its goal, nobody is charged and we will look for a smaller space.",
    ],
    faq: [
      {
        question: [
          "Faut-il habiter Amiens pour soutenir le projet ?",
          "Do I need to live in Amiens to back the project?",
        ],
        answer: [
          "Non. Le nom sur le mur et l'adhésion valent partout ; les initiations et le pass coworking se vivent à l'atelier, 12 rue des Jacobins.",
          "No. The name on the wall and the membership count from anywhere; the introductions and the coworking pass happen at the workshop, 12 rue des Jacobins.",
        ],
      },
      {
        question: ["Quand ma carte est-elle débitée ?", "When is my card charged?"],
        answer: [
          "Seulement si la campagne atteint **15 000 €** à son échéance. Sinon, rien n'est prélevé.",
          "Only if the campaign reaches **€15,000** by its deadline. Otherwise nothing is taken.",
        ],
      },
    ],
    noRewardPledges: { count: 6, amount: (i) => [2_500, 5_000, 3_000, 2_000, 5_000, 3_500][i] ?? 2_500 },
  },
  {
    slug: "fournil-de-la-briqueterie",
    owner: {
      email: "coop@labriqueterie.example",
      name: "Épicerie coopérative La Briqueterie",
      profile: {
        displayName: "Nadia Benali",
        organisation: "Épicerie coopérative La Briqueterie",
        bio: "Une épicerie gérée par ses 300 membres : produits locaux et en vrac, prix justes, et chacun y donne trois heures par mois.",
        place: "Amiens, quartier Saint-Maurice",
        website: "",
      },
    },
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
    owner: {
      email: "contact@repaircafe-amiens.example",
      name: "Repair Café Amiens",
      profile: {
        displayName: "Julien Caron",
        organisation: "Repair Café Amiens",
        bio: "Des bénévoles qui réparent avec vous grille-pains, vélos et vêtements, un samedi par mois, pour jeter moins.",
        place: "Amiens",
        website: "",
      },
    },
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

/** Backers are named from these, in turn: first name and initial. */
export const firstNames = [
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
export const lastInitials = "BDFGLMPRSTV";
