/** A duration for people: "45 s", "12 min", "3.5 h", "2.1 d" (negative clock skew keeps its sign). */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "–";
  const sign = seconds < 0 ? "−" : "";
  const s = Math.abs(seconds);
  const one = (v: number) => (v >= 10 ? Math.round(v).toString() : (Math.round(v * 10) / 10).toString());
  if (s < 60) return `${sign}${Math.round(s)} s`;
  if (s < 3600) return `${sign}${one(s / 60)} min`;
  if (s < 86_400) return `${sign}${one(s / 3600)} h`;
  return `${sign}${one(s / 86_400)} d`;
}

/** A rate as a percentage, "–" when there is none. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return "–";
  return `${Math.round(rate * 1000) / 10}%`;
}

/** The calendar date a bucket starts on, in the zone it was bucketed in (YYYY-MM-DD). */
export function bucketDate(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(iso));
}
