import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Lineage", template: "%s · Lineage" },
  description: "What runs in each environment, what changed, and when each commit got there.",
};

export const viewport: Viewport = {
  colorScheme: "light dark",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <div className="site-header__inner">
            <Link href="/" className="brand">
              <span className="brand__mark" aria-hidden="true">
                ◆
              </span>
              Lineage
            </Link>
            <span className="site-header__tagline">dev → test → prod, from the evidence</span>
          </div>
        </header>
        <main className="page">{children}</main>
      </body>
    </html>
  );
}
