import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const LOCAL_HOSTS = new Set(["", "localhost", "127.0.0.1", "[::1]", "::1"]);

// The suite writes data; a DATABASE_URL that reaches another machine is a mistake we refuse
// to make, even though the web server below never receives it.
const databaseUrl = process.env.DATABASE_URL?.trim();
if (databaseUrl) {
  let host: string;
  try {
    host = new URL(databaseUrl).hostname;
  } catch {
    throw new Error("DATABASE_URL is not a URL; refusing to run the e2e suite");
  }
  if (!LOCAL_HOSTS.has(host)) {
    throw new Error(`DATABASE_URL points at ${host}, not this machine; refusing to run the e2e suite`);
  }
}

// A fresh embedded database per run, so a developer's .data/ is never touched. Workers load
// this file too and inherit the variable, so only the runner creates (and removes) it.
if (!process.env.LINEAGE_E2E_DATA_DIR) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lineage-e2e-"));
  process.env.LINEAGE_E2E_DATA_DIR = dir;
  // On exit, after the web server has been stopped.
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
}

export default defineConfig({
  testDir: "e2e",
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  // One server, one database: tests only read, but parallel workers buy nothing here.
  workers: 1,
  // The JSON report feeds the plain "N passed, N failed" line that .ci/run prints.
  reporter: [
    ["list"],
    ["json", { outputFile: "reports/playwright.json" }],
    ...(process.env.CI ? [] : [["html", { open: "never" }] as ["html", { open: string }]]),
  ],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    browserName: "chromium",
    launchOptions: {
      // `npx playwright install` cannot download a browser here; Debian's chromium works.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    // The demo in production mode: builds and imports the sample repository, then
    // `next build` and `next start`.
    command: `npx tsx scripts/demo.ts --production --port ${PORT}`,
    url: BASE_URL,
    timeout: 300_000,
    reuseExistingServer: !process.env.CI,
    // Empty means unset (lib/env.ts): the embedded database in the temp dir, never a server.
    env: { DATABASE_URL: "", LINEAGE_DATA_DIR: process.env.LINEAGE_E2E_DATA_DIR },
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
