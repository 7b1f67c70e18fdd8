import { withDb } from "@/lib/db/app-db";
import { toAppError } from "@/lib/errors";
import { findRepositoryOverviews, type RepositoryOverview } from "@/lib/lineage/overview";
import { EmptyState } from "./_components/empty-state";
import { RepositoryCard } from "./_components/repository-card";

// Every request reads the database; nothing here may be prerendered at build time.
export const dynamic = "force-dynamic";

export default async function HomePage() {
  let repositories: RepositoryOverview[];
  try {
    repositories = await withDb(findRepositoryOverviews);
  } catch (err) {
    // undefined_table: nothing has written to this database yet (writers migrate first).
    if ((err as { code?: unknown }).code === "42P01") return <EmptyState databaseIsNew />;
    const appError = toAppError(err);
    if (appError.code !== "DATABASE_UNAVAILABLE") throw err;
    console.error(`lineage: ${appError.message}`);
    return (
      <section className="empty" role="alert">
        <h2>The database is not reachable</h2>
        <p>
          Check <code>DATABASE_URL</code>, or unset it to use the embedded database. The server log has the
          details.
        </p>
      </section>
    );
  }
  // One clock for the whole page, so every "3 days ago" agrees.
  const now = Date.now();
  return (
    <>
      <div className="page__intro">
        <h1>What runs where</h1>
        <p>Each environment in promotion order, with the commit it runs now and how it got there.</p>
      </div>
      {repositories.length === 0 ? (
        <EmptyState />
      ) : (
        repositories.map((repository) => (
          <RepositoryCard key={repository.fullName} repository={repository} now={now} />
        ))
      )}
    </>
  );
}
