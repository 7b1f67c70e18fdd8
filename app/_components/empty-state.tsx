export function EmptyState({ databaseIsNew = false }: { databaseIsNew?: boolean }) {
  return (
    <section className="empty" data-testid="empty-state">
      <h2>No repositories imported yet</h2>
      {databaseIsNew ? (
        <p className="muted">The database has no Lineage tables yet; both commands create them.</p>
      ) : null}
      <p>Import a local clone (its environments come from lineage.config.json):</p>
      <pre>
        <code>{"npx lineage import-git --path <clone> --repo owner/name"}</code>
      </pre>
      <p>Or build a sample repository, import it and open this dashboard on it:</p>
      <pre>
        <code>npm run demo</code>
      </pre>
    </section>
  );
}
