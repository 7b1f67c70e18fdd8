import Link from "next/link";

export default function NotFound() {
  return (
    <section className="empty" data-testid="not-found">
      <h2>Page not found</h2>
      <p>There is nothing at this address.</p>
      <p>
        <Link href="/">Back to the environments</Link>
      </p>
    </section>
  );
}
