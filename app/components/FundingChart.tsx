// The funding curve: cumulative amount pledged over time against the straight pace line from the
// launch to the goal at the deadline. An SVG with a text alternative; no script needed.
import { formatMoney } from "~/lib/money";
import { useIntlLocale } from "~/components/use-locale";

export interface FundingChartProps {
  points: { at: string; cumulative: number }[];
  launchedAt: string;
  deadline: string;
  goal: number;
  currency: string;
  label: string;
}

export function FundingChart({ points, launchedAt, deadline, goal, currency, label }: FundingChartProps) {
  const locale = useIntlLocale();
  const width = 640;
  const height = 240;
  const pad = 36;
  const start = new Date(launchedAt).getTime();
  const end = Math.max(new Date(deadline).getTime(), start + 1);
  const top = Math.max(goal, ...points.map((p) => p.cumulative)) * 1.05;
  const x = (at: number) => pad + ((at - start) / (end - start)) * (width - 2 * pad);
  const y = (amount: number) => height - pad - (amount / top) * (height - 2 * pad);
  const path = [
    `M ${x(start)} ${y(0)}`,
    ...points.map((p) => `L ${x(new Date(p.at).getTime())} ${y(p.cumulative)}`),
  ].join(" ");
  const last = points.at(-1)?.cumulative ?? 0;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} width="100%">
        <line x1={pad} y1={y(0)} x2={width - pad} y2={y(0)} stroke="#cbd5e1" />
        <line x1={pad} y1={y(goal)} x2={width - pad} y2={y(goal)} stroke="#cbd5e1" strokeDasharray="4 4" />
        <text x={pad} y={y(goal) - 6} fontSize="12" fill="#4b5563">
          {formatMoney(goal, currency, locale)}
        </text>
        <line
          x1={x(start)}
          y1={y(0)}
          x2={x(end)}
          y2={y(goal)}
          stroke="#1f3a5f"
          strokeDasharray="6 4"
          data-testid="pace-line"
        />
        <path d={path} fill="none" stroke="#c2410c" strokeWidth="3" data-testid="funding-curve" />
      </svg>
      <figcaption className="muted">
        {label}: {formatMoney(last, currency, locale)} / {formatMoney(goal, currency, locale)}
      </figcaption>
    </figure>
  );
}
