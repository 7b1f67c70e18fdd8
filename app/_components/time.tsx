"use client";

import { useEffect, useState } from "react";
import { formatRelative, formatUtc } from "./relative-time";

const local = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
});

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** "2025-01-31 14:10" in the viewer's zone. */
function formatLocalShort(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export interface TimeProps {
  /** ISO 8601 instant. */
  iso: string;
  /**
   * "relative" (default): "3 hours ago"; "datetime": "2025-01-31 14:10". Either way the title
   * has the local time and UTC.
   */
  mode?: "relative" | "datetime";
  /** The server's clock for the first render, so every time on a page agrees; defaults to the ISO time's own UTC text. */
  now?: number;
}

/**
 * A point in time. The server does not know the viewer's zone, so the first render (server
 * and hydration) shows UTC; after hydration it re-renders in the browser's zone and clock.
 */
export function Time({ iso, mode = "relative", now }: TimeProps) {
  const [clientNow, setClientNow] = useState<number | null>(null);
  useEffect(() => {
    setClientNow(Date.now());
    const timer = setInterval(() => setClientNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return <span className="muted">unknown time</span>;
  const utc = formatUtc(date.toISOString());
  const hydrated = clientNow !== null;
  const title = hydrated ? `${local.format(date)} · ${utc}` : utc;
  let text: string;
  if (mode === "datetime") text = hydrated ? formatLocalShort(date) : utc.replace(" UTC", "Z");
  else if (hydrated) text = formatRelative(iso, clientNow);
  else text = now === undefined ? utc : formatRelative(iso, now);
  return (
    <time dateTime={date.toISOString()} title={title} className="time" data-hydrated={hydrated || undefined}>
      {text}
    </time>
  );
}
