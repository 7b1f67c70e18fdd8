import type { EventStatusKind } from "@/lib/lineage/event-status";

const LABELS: Record<EventStatusKind, { label: string; title: string }> = {
  success: { label: "success", title: "Counted: the environment runs this" },
  failed: { label: "failed", title: "The deployment failed: the environment did not change" },
  "in-progress": { label: "in progress", title: "The deployment has not finished" },
  rollback: { label: "rollback", title: "Removed commits: the environment went back to older code" },
  superseded: {
    label: "superseded",
    title: "Removed commits whose changes came back as cherry-picks",
  },
  baseline: { label: "baseline", title: "The environment's first event: everything it runs, not a change" },
  unknown: { label: "unknown", title: "The deployment's outcome is not known" },
};

export interface StatusBadgeProps {
  status: EventStatusKind;
  /** Replaces the default explanation in the title. */
  title?: string;
}

/** The one status vocabulary: the same text label and colour on every page. */
export function StatusBadge({ status, title }: StatusBadgeProps) {
  const { label, title: description } = LABELS[status];
  return (
    <span className={`badge badge--${status}`} title={title ?? description} data-status={status}>
      {label}
    </span>
  );
}
