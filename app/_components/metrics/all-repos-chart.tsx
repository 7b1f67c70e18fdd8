"use client";

import { useRouter } from "next/navigation";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface AllReposPoint {
  label: string;
  /** Deployments per series key. */
  counts: Record<string, number>;
  /** The bucket's releases per series key. */
  hrefs: Record<string, string>;
}

const COLORS = ["#0969da", "#8250df", "#1a7f37", "#bf8700", "#cf222e", "#57606a"];

/** Deployments per bucket, one bar per repository's environment; a bar opens that bucket's releases. */
export function AllReposChart({ series, points }: { series: string[]; points: AllReposPoint[] }) {
  const router = useRouter();
  const data = points.map((p) => ({
    label: p.label,
    ...Object.fromEntries(series.map((s, i) => [`s${i}`, p.counts[s] ?? 0])),
  }));
  return (
    <div className="chart" data-testid="chart-all-frequency">
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={data} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
          <XAxis dataKey="label" tick={{ fontSize: 12 }} interval="preserveStartEnd" minTickGap={8} />
          <YAxis allowDecimals={false} width={36} />
          <Tooltip />
          <Legend />
          {series.map((s, i) => (
            <Bar
              key={s}
              dataKey={`s${i}`}
              name={s}
              fill={COLORS[i % COLORS.length]}
              isAnimationActive={false}
              cursor="pointer"
              onClick={(_: unknown, index: number) => {
                const href = points[index]?.hrefs[s];
                if (href) router.push(href);
              }}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
