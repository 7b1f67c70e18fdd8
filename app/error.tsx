"use client";

// Shows no error message: in production Next.js replaces it anyway, and in development it
// may carry SQL or file paths. The digest matches the server log entry.
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <section className="empty" role="alert" data-testid="error">
      <h2>Something went wrong</h2>
      <p>This page could not be shown. Try again; if it keeps failing, the server log has the details.</p>
      {error.digest ? (
        <p className="muted">
          Reference: <code>{error.digest}</code>
        </p>
      ) : null}
      <button type="button" className="button" onClick={() => reset()}>
        Try again
      </button>
    </section>
  );
}
