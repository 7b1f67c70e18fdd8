"use client";

import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { MouseHandlerDataParam } from "recharts/types/synchronisation/types";
import { formatDuration, formatRate } from "@/lib/lineage/duration";

/** One bucket as the charts draw it (serializable: built by the Server Component). */
export interface ChartBucket {
  label: string;
  deployments: number;
  leadMedianH: number | null;
  leadP90H: number | null;
  leadCommits: number;
  failurePct: number | null;
  failures: number;
  attempts: number;
  recoveryMedianH: number | null;
  recovered: number;
  /** Lists the bucket's releases. */
  href: string;
  selected: boolean;
}

export interface ChartBin {
  label: string;
  commits: number;
  href: string;
  selected: boolean;
}

const BLUE = "#0969da";
const PURPLE = "#8250df";
const RED = "#cf222e";
const ORANGE = "#bf8700";
const SELECTED = "#1a7f37";

const hours = (h: number | null | undefined) =>
  formatDuration(h === null || h === undefined ? null : h * 3600);

function useOpen<T extends { href: string }>(points: readonly T[]) {
  const router = useRouter();
  return (state: MouseHandlerDataParam) => {
    const i = Number(state.activeTooltipIndex);
    const point = Number.isInteger(i) ? points[i] : undefined;
    if (point) router.push(point.href, { scroll: false });
  };
}

function Panel({
  title,
  how,
  testId,
  children,
}: {
  title: string;
  how: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <section className="card metrics-chart" data-testid={testId} aria-label={title}>
      <h2 className="card__title">{title}</h2>
      <p className="muted small metrics-chart__how">{how}</p>
      <div className="chart">{children}</div>
      <p className="muted small">
        Click a bar or point to list its releases below, or use the table of buckets.
      </p>
    </section>
  );
}

function Tip({
  active,
  payload,
  render,
}: {
  active?: boolean;
  payload?: readonly { payload?: unknown }[];
  render: (p: never) => ReactNode;
}) {
  const p = active ? payload?.[0]?.payload : undefined;
  if (!p) return null;
  return <div className="chart-tooltip">{render(p as never)}</div>;
}

const margin = { top: 8, right: 12, bottom: 4, left: 0 };

/**
 * The four delivery metrics as charts, one bucket per bar or point; clicking one opens the
 * list of its releases (a link the page also offers in its table of buckets).
 */
export function MetricsCharts({
  buckets,
  bins,
  definitions,
}: {
  buckets: ChartBucket[];
  bins: ChartBin[];
  definitions: {
    deploymentFrequency: string;
    leadTime: string;
    changeFailureRate: string;
    recoveryTime: string;
  };
}) {
  const openBucket = useOpen(buckets);
  const openBin = useOpen(bins);
  const height = 220;
  const xAxis = <XAxis dataKey="label" tick={{ fontSize: 12 }} interval="preserveStartEnd" minTickGap={8} />;
  return (
    <div className="metrics-charts">
      <Panel title="Deployment frequency" how={definitions.deploymentFrequency} testId="chart-frequency">
        <ResponsiveContainer width="100%" height={height}>
          <BarChart data={buckets} margin={margin} onClick={openBucket} style={{ cursor: "pointer" }}>
            <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
            {xAxis}
            <YAxis allowDecimals={false} width={36} />
            <Tooltip
              content={(props) => (
                <Tip
                  active={props.active}
                  payload={props.payload}
                  render={(b: ChartBucket) => (
                    <>
                      <strong>{b.label}</strong>
                      <div>{b.deployments} deployments</div>
                    </>
                  )}
                />
              )}
            />
            <Bar dataKey="deployments" name="Deployments" fill={BLUE} isAnimationActive={false}>
              {buckets.map((p) => (
                <Cell key={p.label} fill={p.selected ? SELECTED : BLUE} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </Panel>

      <Panel title="Lead time for changes" how={definitions.leadTime} testId="chart-lead-time">
        <ResponsiveContainer width="100%" height={height}>
          <LineChart data={buckets} margin={margin} onClick={openBucket} style={{ cursor: "pointer" }}>
            <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
            {xAxis}
            <YAxis width={60} tickFormatter={(h: number) => hours(h)} />
            <Legend />
            <Tooltip
              content={(props) => (
                <Tip
                  active={props.active}
                  payload={props.payload}
                  render={(b: ChartBucket) => (
                    <>
                      <strong>{b.label}</strong>
                      <div>
                        median {hours(b.leadMedianH)}, p90 {hours(b.leadP90H)}
                      </div>
                      <div>{b.leadCommits} commits</div>
                    </>
                  )}
                />
              )}
            />
            <Line
              dataKey="leadMedianH"
              name="median"
              stroke={BLUE}
              connectNulls
              isAnimationActive={false}
              dot={{ r: 3 }}
            />
            <Line
              dataKey="leadP90H"
              name="90th percentile"
              stroke={PURPLE}
              strokeDasharray="5 3"
              connectNulls
              isAnimationActive={false}
              dot={{ r: 3 }}
            />
          </LineChart>
        </ResponsiveContainer>
      </Panel>

      <Panel
        title="Lead time distribution"
        how="Every commit first reached in the period, by its lead time (as defined above); the first bin holds negative times from clock skew too."
        testId="chart-lead-histogram"
      >
        <ResponsiveContainer width="100%" height={height}>
          <BarChart data={bins} margin={margin} onClick={openBin} style={{ cursor: "pointer" }}>
            <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
            <XAxis
              dataKey="label"
              tick={{ fontSize: 11 }}
              interval={0}
              angle={-30}
              textAnchor="end"
              height={48}
            />
            <YAxis allowDecimals={false} width={36} />
            <Tooltip
              content={(props) => (
                <Tip
                  active={props.active}
                  payload={props.payload}
                  render={(b: ChartBin) => (
                    <>
                      <strong>{b.label}</strong>
                      <div>{b.commits} commits</div>
                    </>
                  )}
                />
              )}
            />
            <Bar dataKey="commits" name="Commits" fill={PURPLE} isAnimationActive={false}>
              {bins.map((p) => (
                <Cell key={p.label} fill={p.selected ? SELECTED : PURPLE} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </Panel>

      <Panel title="Change failure rate" how={definitions.changeFailureRate} testId="chart-failure-rate">
        <ResponsiveContainer width="100%" height={height}>
          <BarChart data={buckets} margin={margin} onClick={openBucket} style={{ cursor: "pointer" }}>
            <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
            {xAxis}
            <YAxis width={48} domain={[0, 100]} tickFormatter={(v: number) => `${v}%`} />
            <Tooltip
              content={(props) => (
                <Tip
                  active={props.active}
                  payload={props.payload}
                  render={(b: ChartBucket) => (
                    <>
                      <strong>{b.label}</strong>
                      <div>
                        {formatRate(b.failurePct === null ? null : b.failurePct / 100)} ({b.failures} of{" "}
                        {b.attempts})
                      </div>
                    </>
                  )}
                />
              )}
            />
            <Bar dataKey="failurePct" name="Failure rate" fill={RED} isAnimationActive={false}>
              {buckets.map((p) => (
                <Cell key={p.label} fill={p.selected ? SELECTED : RED} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </Panel>

      <Panel title="Failed deployment recovery time" how={definitions.recoveryTime} testId="chart-recovery">
        <ResponsiveContainer width="100%" height={height}>
          <BarChart data={buckets} margin={margin} onClick={openBucket} style={{ cursor: "pointer" }}>
            <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
            {xAxis}
            <YAxis width={60} tickFormatter={(h: number) => hours(h)} />
            <Tooltip
              content={(props) => (
                <Tip
                  active={props.active}
                  payload={props.payload}
                  render={(b: ChartBucket) => (
                    <>
                      <strong>{b.label}</strong>
                      <div>
                        median {hours(b.recoveryMedianH)} ({b.recovered} recovered)
                      </div>
                    </>
                  )}
                />
              )}
            />
            <Bar dataKey="recoveryMedianH" name="Median recovery" fill={ORANGE} isAnimationActive={false}>
              {buckets.map((p) => (
                <Cell key={p.label} fill={p.selected ? SELECTED : ORANGE} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </Panel>
    </div>
  );
}
