import type { DatabaseProblem } from "@/lib/db/page-data";
import { EmptyState } from "./empty-state";

export interface DatabaseStateProps {
  problem: DatabaseProblem;
}

/** What every page shows instead of its data when the database cannot answer yet. */
export function DatabaseState({ problem }: DatabaseStateProps) {
  if (problem === "new") return <EmptyState databaseIsNew />;
  if (problem === "not-migrated")
    return (
      <section className="empty" role="alert" data-testid="database-state" data-problem={problem}>
        <h2>The database is not migrated</h2>
        <p>This version of Lineage reads tables or columns the database does not have yet. Migrate it:</p>
        <pre>
          <code>npx lineage migrate</code>
        </pre>
        <p className="muted">The dashboard never migrates by itself; import-git, sync and the demo do too.</p>
      </section>
    );
  return (
    <section className="empty" role="alert" data-testid="database-state" data-problem={problem}>
      <h2>The database is not reachable</h2>
      <p>
        Check <code>DATABASE_URL</code>, or unset it to use the embedded database. The server log has the
        details.
      </p>
    </section>
  );
}
