"use client";

import "./globals.css";

// Replaces the root layout when the layout itself fails, so it renders its own document.
export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="en">
      <body>
        <main className="page">
          <section className="empty" role="alert">
            <h2>Something went wrong</h2>
            <p>Lineage could not render this page. The server log has the details.</p>
            {error.digest ? (
              <p className="muted">
                Reference: <code>{error.digest}</code>
              </p>
            ) : null}
          </section>
        </main>
      </body>
    </html>
  );
}
