"use client";

import { useRouter } from "next/navigation";
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";

export interface ChartEvent {
  environment: string;
  seq: number;
  /** The tag, branch or deployment ref (not `ref`: recharts spreads each point onto its <path>). */
  refName: string;
  at: string;
  added: number;
  removed: number;
  link: string;
}

interface Point extends ChartEvent {
  x: number;
  y: number;
}

const COLORS = ["#0969da", "#8250df", "#1a7f37", "#bf8700", "#cf222e"];

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function EventTooltip({ active, payload }: { active?: boolean; payload?: readonly { payload?: Point }[] }) {
  const p = active ? payload?.[0]?.payload : undefined;
  if (!p) return null;
  return (
    <div className="chart-tooltip">
      <strong>
        {p.environment} #{p.seq}: {p.refName}
      </strong>
      <div>{new Date(p.at).toISOString().replace("T", " ").slice(0, 19)} UTC</div>
      <div>
        <span className="added">+{p.added.toLocaleString("en")}</span> /{" "}
        <span className="removed">−{p.removed.toLocaleString("en")}</span> commits
      </div>
      <div className="muted small">Click to open the release</div>
    </div>
  );
}

/**
 * Recent promotion events, one row per environment (promotion order, first at the top),
 * time along the bottom; clicking a point opens its release.
 */
export function EventsChart({ environments, events }: { environments: string[]; events: ChartEvent[] }) {
  const router = useRouter();
  const points: Point[] = events.map((e) => ({
    ...e,
    x: Date.parse(e.at),
    y: environments.length - 1 - environments.indexOf(e.environment),
  }));
  return (
    <div className="chart" data-testid="events-chart">
      <ResponsiveContainer width="100%" height={60 + environments.length * 48}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 28, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
          <XAxis
            type="number"
            dataKey="x"
            domain={["dataMin", "dataMax"]}
            tickFormatter={day}
            label={{ value: "Date (UTC)", position: "insideBottom", offset: -16 }}
            scale="time"
            tickCount={5}
          />
          <YAxis
            type="number"
            dataKey="y"
            domain={[-0.5, environments.length - 0.5]}
            ticks={environments.map((_, i) => i)}
            tickFormatter={(i: number) => environments[environments.length - 1 - i] ?? ""}
            width={64}
            allowDecimals={false}
          />
          <Tooltip
            content={(props) => (
              <EventTooltip active={props.active} payload={props.payload as readonly { payload?: Point }[]} />
            )}
            cursor={{ strokeDasharray: "3 3" }}
          />
          {environments.map((env, i) => (
            <Scatter
              key={env}
              name={env}
              data={points.filter((p) => p.environment === env)}
              fill={COLORS[i % COLORS.length]}
              cursor="pointer"
              onClick={(item: { payload?: Point }) => {
                if (item.payload?.link) router.push(item.payload.link);
              }}
            />
          ))}
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}
