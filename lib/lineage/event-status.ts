/** The dashboard's status vocabulary for promotion events and removed commits. */
export type EventStatusKind =
  | "success"
  | "failed"
  | "in-progress"
  | "rollback"
  | "superseded"
  | "baseline"
  | "unknown";

/** The statuses an event can have (a filter on the release history). */
export const EVENT_STATUSES = ["success", "failed", "in-progress", "rollback", "baseline"] as const;
export type EventStatusFilter = (typeof EVENT_STATUSES)[number];

const FAILED = new Set(["FAILURE", "ERROR"]);
const IN_PROGRESS = new Set(["PENDING", "QUEUED", "IN_PROGRESS", "WAITING"]);

/**
 * One event's status: a counted event is a baseline (first), a rollback (it dropped a change:
 * a removed commit whose change no added commit carries, or any removed commit when that is
 * unknown) or a success; an uncounted deployment failed, is still in progress, or has an unknown
 * outcome. Mirrors `EVENT_STATUS_SQL` in events-query.ts.
 */
export function eventStatusKind(event: {
  counted: boolean;
  baseline: boolean;
  /** events-query's ROLLBACK_SQL. */
  rollback: boolean;
  status: string | null;
}): EventStatusKind {
  if (event.counted) return event.baseline ? "baseline" : event.rollback ? "rollback" : "success";
  const status = event.status?.toUpperCase() ?? "";
  if (FAILED.has(status)) return "failed";
  if (IN_PROGRESS.has(status)) return "in-progress";
  return "unknown";
}
