// The `lineage` command as a user runs it, for tests: a real process, its exit code and output.
import { spawn } from "node:child_process";
import path from "node:path";

const BIN = path.resolve(import.meta.dirname, "../../../bin/lineage.mjs");

export interface LineageRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `lineage args…` in `cwd` with `env` added to this process's environment. */
export function runLineage(
  args: readonly string[],
  { cwd, env = {} }: { cwd: string; env?: Record<string, string | undefined> },
): Promise<LineageRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
