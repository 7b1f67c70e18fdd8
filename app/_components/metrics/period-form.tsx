import Link from "next/link";
import { metricsQuery } from "./params";

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The metrics period picker: a plain GET form (works without JavaScript), so the whole
 * state is the address. Presets end on `toDay`.
 */
export function PeriodForm({
  basePath,
  environments,
  env,
  fromDay,
  toDay,
  bucket,
  fixWindow,
  timeZone,
}: {
  basePath: string;
  /** Offered in an environment picker; none on the all-repositories page. */
  environments?: string[];
  env?: string;
  fromDay: string;
  toDay: string;
  bucket: "week" | "month";
  fixWindow: number;
  timeZone: string;
}) {
  const end = Date.parse(`${toDay}T00:00:00Z`);
  const keep = {
    env,
    bucket: bucket === "week" ? null : bucket,
    fix: fixWindow === 60 ? null : fixWindow,
    tz: timeZone === "UTC" ? null : timeZone,
  };
  const preset = (days: number, b: "week" | "month" = bucket) =>
    `${basePath}${metricsQuery(keep, { from: isoDay(end - (days - 1) * DAY), to: toDay, bucket: b === "week" ? null : b })}`;
  return (
    <div className="metrics-period">
      <form
        className="filters"
        method="get"
        action={basePath}
        aria-label="Metrics period"
        data-testid="period-form"
      >
        {environments ? (
          <label>
            Environment
            <select name="env" defaultValue={env}>
              {environments.map((e) => (
                <option key={e} value={e}>
                  {e}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          From
          <input type="date" name="from" defaultValue={fromDay} required />
        </label>
        <label>
          To
          <input type="date" name="to" defaultValue={toDay} required />
        </label>
        <label>
          Per
          <select name="bucket" defaultValue={bucket}>
            <option value="week">week</option>
            <option value="month">month</option>
          </select>
        </label>
        <label>
          Fix-forward window (min)
          <input type="number" name="fix" min={0} max={10080} step={1} defaultValue={fixWindow} />
        </label>
        {timeZone !== "UTC" ? <input type="hidden" name="tz" value={timeZone} /> : null}
        <button type="submit" className="button">
          Apply
        </button>
      </form>
      <nav className="metrics-presets small" aria-label="Period presets">
        Up to {toDay}: <Link href={preset(28)}>4 weeks</Link> · <Link href={preset(84)}>12 weeks</Link> ·{" "}
        <Link href={preset(182)}>6 months</Link> · <Link href={preset(365, "month")}>12 months by month</Link>
      </nav>
    </div>
  );
}
