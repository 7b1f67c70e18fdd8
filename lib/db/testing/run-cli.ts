import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { databaseUrl } from "./databases";

export const ROOT = path.resolve(import.meta.dirname, "../../..");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Spawns `lineage …`. `at.act` runs once: when stderr first matches `at.on`, or after
 * `at.afterMs` milliseconds (whichever is given).
 */
export function spawnLineage(
  args: string[],
  opts: {
    env: Record<string, string | undefined>;
    cwd?: string;
    at?: { on?: RegExp; afterMs?: number; act: (child: ChildProcess) => void };
  },
): Promise<CliResult> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
    for (const [k, v] of Object.entries(opts.env)) if (v === undefined) delete env[k];
    const child = spawn(process.execPath, [path.join(ROOT, "bin/lineage.mjs"), ...args], {
      cwd: opts.cwd ?? ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let acted = false;
    const act = () => {
      if (acted || !opts.at) return;
      acted = true;
      opts.at.act(child);
    };
    const timer = opts.at?.afterMs !== undefined ? setTimeout(act, opts.at.afterMs) : undefined;
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      if (opts.at?.on?.test(stderr)) act();
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The schema of a test database as pg_dump prints it, minus the per-run \restrict keys. */
export function dumpSchema(name: string): string {
  return execFileSync("pg_dump", ["--schema-only", "--no-owner", databaseUrl(name)], { encoding: "utf8" })
    .split("\n")
    .filter((line) => !/^\\(un)?restrict /.test(line))
    .join("\n");
}
