import type { Metadata, Viewport } from "next";
import { NuqsAdapter } from "nuqs/adapters/next/app";
import type { ReactNode } from "react";
import { SiteHeader } from "./_components/site-header";
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
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <NuqsAdapter>
          <SiteHeader />
          <main className="page" id="main">
            {children}
          </main>
        </NuqsAdapter>
      </body>
    </html>
  );
}
