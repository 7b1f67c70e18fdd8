// The benchmark's git history: BENCH_REPO=<clone>, or a history generated with git fast-import
// (BENCH_COMMITS, BENCH_TAGS; default 80,000 / 1,000) and cached under .bench/.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { buildHistory } from "../lib/git/testing/build-history";

const ROOT = path.resolve(import.meta.dirname, "..");

function log(line: string) {
  process.stderr.write(`bench: ${line}\n`);
}

export function ensureHistory(): { dir: string; generated: string | null } {
  if (process.env.BENCH_REPO) return { dir: path.resolve(process.env.BENCH_REPO), generated: null };
  const commits = Number(process.env.BENCH_COMMITS ?? 80_000);
  const tags = Number(process.env.BENCH_TAGS ?? 1_000);
  const dir = path.join(ROOT, ".bench", `history-${commits}-${tags}`);
  if (!existsSync(path.join(dir, ".git"))) {
    mkdirSync(dir, { recursive: true });
    log(`generating a history of ${commits} commits and ${tags} tags in ${path.relative(ROOT, dir)}`);
    buildHistory(dir, {
      seed: 42,
      commits,
      tags,
      octopus: true,
      crissCross: true,
      maintenanceBranches: 5,
      rollbackTags: 10,
    });
  }
  return { dir, generated: `${commits} commits, ${tags} tags (seed 42)` };
}
