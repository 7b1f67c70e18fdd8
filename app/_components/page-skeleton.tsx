export interface PageSkeletonProps {
  /** What is loading, for screen readers: "release history". */
  label: string;
  /** Table rows to sketch. */
  rows?: number;
  /** Cards (e.g. environments side by side) to sketch above the table. */
  cards?: number;
}

/** The loading.tsx body: the page's shape in grey, announced as busy. */
export function PageSkeleton({ label, rows = 8, cards = 0 }: PageSkeletonProps) {
  return (
    <div aria-busy="true" aria-live="polite" data-testid="loading">
      <span className="visually-hidden">Loading {label}…</span>
      <div className="skeleton" style={{ height: "0.9rem", width: "14rem", marginBottom: "1rem" }} />
      <div
        className="skeleton"
        style={{ height: "1.8rem", width: "22rem", maxWidth: "100%", marginBottom: "1.5rem" }}
      />
      {cards > 0 ? (
        <div className="env-grid" style={{ marginBottom: "1.5rem" }}>
          {Array.from({ length: cards }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
            <div key={i} className="skeleton" style={{ height: "9rem" }} />
          ))}
        </div>
      ) : null}
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <div key={i} className="skeleton" style={{ height: "2.2rem", marginBottom: "0.35rem" }} />
      ))}
    </div>
  );
}
