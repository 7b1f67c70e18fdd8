// npm run demo [-- --port N] [--production] [--hostname H] [--no-start]
//
// Builds the demo's data into the configured database (scripts/demo-data.ts: a sample clone,
// a clone with hostile strings, and the GitHub simulator's medium scenario synced in-process),
// then starts the dashboard on it. Every run builds the same bytes, so rerunning it against
// an existing database changes nothing.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Db, openDatabase } from "../lib/db/client";
import { getEnv } from "../lib/env";
import { userMessage } from "../lib/errors";
import { findRepositoryOverviews } from "../lib/lineage/overview";
import { streamProgress } from "../lib/progress";
import { buildDemoData } from "./demo-data";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DEMO_DIR = path.join(ROOT, ".demo");

function describeDatabase(db: Db): string {
  if (db.mode === "embedded") return `embedded PostgreSQL in ${getEnv().dataDir}`;
  const url = new URL(db.url);
  return `DATABASE_URL (${url.hostname}:${url.port || "5432"}${url.pathname})`;
}

async function loadDemoData(): Promise<void> {
  const db = await openDatabase({ migrate: true });
  try {
    console.error(`demo: database: ${describeDatabase(db)}`);
    const progress = streamProgress(process.stderr, "demo");
    const log = (line: string) => console.error(`demo: ${line}`);
    const { timings, sampleCommits } = await buildDemoData({ db, dir: DEMO_DIR, log, progress });
    progress.end();
    console.error(
      `demo: ${sampleCommits} sample commits; ${Object.entries(timings)
        .map(([k, s]) => `${k} ${s.toFixed(1)} s`)
        .join(", ")}`,
    );
    for (const repo of await findRepositoryOverviews(db)) {
      console.error(`demo: ${repo.fullName}`);
      for (const env of repo.environments) {
        const now = env.current
          ? `${env.current.ref} ${env.current.sha.slice(0, 7)}${env.current.rollback ? " (rollback)" : ""}`
          : "no events";
        console.error(
          `demo:   ${env.name.padEnd(5)} ${JSON.stringify(now).slice(1, -1)}  [${env.eventCount} events]`,
        );
      }
    }
  } finally {
    await db.close();
  }
}

/** Runs a Next.js command in the foreground; Ctrl-C and SIGTERM reach it, and its exit code is ours. */
function runNext(args: string[]): Promise<number> {
  const nextBin = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
  const child = spawn(process.execPath, [nextBin, ...args], { cwd: ROOT, stdio: "inherit" });
  const forward = (signal: NodeJS.Signals) => {
    // A terminal's Ctrl-C already reaches the whole process group; this covers a plain
    // `kill <pid>` of this script (and Playwright stopping its web server).
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? (signal === "SIGINT" ? 130 : 143));
    });
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "3000" },
      hostname: { type: "string", default: "127.0.0.1" },
      production: { type: "boolean", default: false },
      "no-start": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.error(
      "usage: npm run demo -- [--port N] [--hostname H] [--production] [--no-start]\n" +
        "  builds .demo/ (acme/shop and acme/hostile-refs clones, imported; the GitHub simulator's\n" +
        "  globex/* repositories, synced), then runs `next dev`\n" +
        "  (or `next build` + `next start` with --production)",
    );
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`--port: not a port: ${values.port}`);
  process.chdir(ROOT);

  const started = Date.now();
  await loadDemoData();
  console.error(`demo: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (values["no-start"]) return 0;

  const listen = ["--port", String(port), "--hostname", values.hostname];
  if (!values.production) return runNext(["dev", ...listen]);
  const built = await runNext(["build"]);
  if (built !== 0) return built;
  return runNext(["start", ...listen]);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`demo: ${userMessage(err)}`);
    process.exit(1);
  },
);
