// Runs one import in its own process so the benchmark can report that process's peak RSS.
import { openDatabase } from "../lib/db/client";
import { importGit } from "../lib/git/import-git";

const [clonePath, repo, configJson, url] = process.argv.slice(2) as [string, string, string, string];
const db = await openDatabase({ url, migrate: false });
const started = performance.now();
const summary = await importGit(db, {
  clonePath,
  repoConfig: { repo, environments: JSON.parse(configJson) },
});
const seconds = (performance.now() - started) / 1000;
await db.close();
process.stdout.write(
  JSON.stringify({
    seconds,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    upToDate: summary.upToDate,
    commits: summary.totalCommits,
  }),
);
