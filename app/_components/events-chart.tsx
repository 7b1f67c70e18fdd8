"use client";

import { useRouter } from "next/navigation";
import { type KeyboardEvent, useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import { moveFocus, type PointKeyTarget } from "./events-chart-keys";

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
  key: string;
}

const COLORS = ["#0969da", "#8250df", "#1a7f37", "#bf8700", "#cf222e"];

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const utc = (iso: string) => `${new Date(iso).toISOString().replace("T", " ").slice(0, 16)} UTC`;

/** What a screen reader says for a point, and the text of its tooltip. */
export function pointLabel(p: ChartEvent): string {
  const change =
    p.removed > 0
      ? `${p.added.toLocaleString("en")} commits added, ${p.removed.toLocaleString("en")} removed`
      : `${p.added.toLocaleString("en")} commits added`;
  return `${p.environment} #${p.seq}: ${p.refName}, ${utc(p.at)}, ${change}. Open the release.`;
}

function PointDetails({ p, hint }: { p: Point; hint: string }) {
  return (
    <>
      <strong>
        {p.environment} #{p.seq}: {p.refName}
      </strong>
      <div>{new Date(p.at).toISOString().replace("T", " ").slice(0, 19)} UTC</div>
      <div>
        <span className="added">+{p.added.toLocaleString("en")}</span> /{" "}
        <span className="removed">−{p.removed.toLocaleString("en")}</span> commits
      </div>
      <div className="muted small">{hint}</div>
    </>
  );
}

function EventTooltip({ active, payload }: { active?: boolean; payload?: readonly { payload?: Point }[] }) {
  const p = active ? payload?.[0]?.payload : undefined;
  if (!p) return null;
  return (
    <div className="chart-tooltip">
      <PointDetails p={p} hint="Click to open the release" />
    </div>
  );
}

/** The focused point's details, under the chart. */
function FocusedPoint({
  byKey,
  register,
}: {
  byKey: Map<string, Point>;
  register: { current: (key: string | undefined, blurred?: string) => void };
}) {
  const [key, setKey] = useState<string | undefined>(undefined);
  useEffect(() => {
    register.current = (next, blurred) => setKey((k) => (next === undefined && k !== blurred ? k : next));
  }, [register]);
  const p = key ? byKey.get(key) : undefined;
  if (!p) return null;
  return (
    <div className="chart-tooltip chart-focus" data-testid="chart-focus" aria-hidden="true">
      <PointDetails p={p} hint="Enter or Space opens the release" />
    </div>
  );
}

/**
 * Recent promotion events, one row per environment (promotion order, first at the top),
 * time along the bottom; clicking a point opens its release. The points are one keyboard
 * stop (a roving tabindex): arrows move in time and between environments, Enter or Space
 * opens the release, and the focused point's details show under the chart.
 */
export function EventsChart({ environments, events }: { environments: string[]; events: ChartEvent[] }) {
  const router = useRouter();
  const hintId = useId();
  const containerRef = useRef<HTMLDivElement>(null);
  const points: Point[] = useMemo(
    () =>
      events.map((e) => ({
        ...e,
        key: `${e.environment}#${e.seq}`,
        x: Date.parse(e.at),
        y: environments.length - 1 - environments.indexOf(e.environment),
      })),
    [events, environments],
  );
  // In time order (then promotion order): what ArrowLeft and ArrowRight walk through.
  const ordered: PointKeyTarget[] = useMemo(
    () =>
      points
        .map((p) => ({ key: p.key, x: p.x, row: environments.indexOf(p.environment) }))
        .sort((a, b) => a.x - b.x || a.row - b.row),
    [points, environments],
  );
  const byKey = useMemo(() => new Map(points.map((p) => [p.key, p])), [points]);
  const perEnvironment = useMemo(
    () => environments.map((env) => points.filter((p) => p.environment === env)),
    [points, environments],
  );
  // The roving tab stop lives in a ref and the DOM: a state change would hand recharts a new
  // shape function, and it remounts every point (losing focus) when that happens. The newest
  // event takes the tab stop until the reader moves it.
  const activeRef = useRef<string | undefined>(ordered.at(-1)?.key);
  if (!activeRef.current || !byKey.has(activeRef.current)) activeRef.current = ordered.at(-1)?.key;
  // Which point has focus: its details show under the chart (tooltips follow the mouse only).
  // A child owns that state: a re-render of the chart itself would remount the points.
  const showDetails = useRef<(key: string | undefined, blurred?: string) => void>(() => {});

  const moveTo = useCallback((key: string, focus: boolean) => {
    const container = containerRef.current;
    if (!container) return;
    const find = (k: string | undefined) =>
      k ? container.querySelector<SVGElement>(`[data-point="${CSS.escape(k)}"]`) : null;
    if (activeRef.current !== key) find(activeRef.current)?.setAttribute("tabindex", "-1");
    activeRef.current = key;
    const el = find(key);
    el?.setAttribute("tabindex", "0");
    if (focus) el?.focus();
  }, []);

  const shape = useCallback(
    (props: { cx?: number; cy?: number; payload?: unknown }) => {
      const p = props.payload as Point | undefined;
      if (!p || props.cx === undefined || props.cy === undefined) return <g />;
      return (
        // biome-ignore lint/a11y/useSemanticElements: recharts positions an SVG shape, not an <a>; it acts as a link
        <circle
          cx={props.cx}
          cy={props.cy}
          r={5.5}
          fill={COLORS[environments.indexOf(p.environment) % COLORS.length]}
          className="chart-point"
          role="link"
          tabIndex={p.key === activeRef.current ? 0 : -1}
          aria-label={pointLabel(p)}
          aria-describedby={hintId}
          data-point={p.key}
          data-testid="chart-point"
          onClick={() => router.push(p.link)}
          onKeyDown={(event: KeyboardEvent<SVGElement>) => {
            if (event.key === "Enter" || event.key === " ") {
              event.preventDefault();
              router.push(p.link);
              return;
            }
            const next = moveFocus(ordered, p.key, event.key);
            if (next === undefined) return;
            event.preventDefault();
            moveTo(next, true);
          }}
          onFocus={() => {
            moveTo(p.key, false);
            showDetails.current(p.key);
          }}
          onBlur={() => showDetails.current(undefined, p.key)}
        />
      );
    },
    [environments, hintId, ordered, moveTo, router],
  );

  return (
    <div className="chart" data-testid="events-chart" ref={containerRef}>
      <ResponsiveContainer width="100%" height={60 + environments.length * 48}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 28, left: 8 }} accessibilityLayer={false}>
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
              data={perEnvironment[i]}
              fill={COLORS[i % COLORS.length]}
              isAnimationActive={false}
              shape={shape}
            />
          ))}
        </ScatterChart>
      </ResponsiveContainer>
      <p id={hintId} className="muted small chart-keys">
        Keyboard: Tab to the newest event, arrows to move (← → in time, ↑ ↓ between environments), Enter to
        open its release.
      </p>
      <FocusedPoint byKey={byKey} register={showDetails} />
    </div>
  );
}
