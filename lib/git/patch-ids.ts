import { AppError } from "../errors";
import { EMPTY_PATCH_ID } from "../lineage/supersede";
import { gitSpawn } from "./run-git";

/**
 * `git patch-id --stable` of each commit's diff against its first parent (the empty tree for
 * a root), keyed by SHA; a commit whose diff is empty gets EMPTY_PATCH_ID (git cherry treats
 * empty commits as equal to each other, and patch-id prints nothing for them). Merges must
 * not be passed: they have no patch-id.
 *
 * The diff is what git cherry hashes: no rename detection (a rename is a delete and an add)
 * and full blob ids, so a binary file's change is told apart by its blobs, not merely
 * "Binary files differ".
 */
export async function readPatchIds(clonePath: string, shas: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (shas.length === 0) return out;
  const diff = gitSpawn(clonePath, ["diff-tree", "-p", "--no-renames", "--full-index", "--root", "--stdin"]);
  const patchId = gitSpawn(clonePath, ["patch-id", "--stable"]);
  const stderr = { diff: "", patchId: "" };
  diff.stderr!.on("data", (d: Buffer) => {
    stderr.diff += d.toString();
  });
  patchId.stderr!.on("data", (d: Buffer) => {
    stderr.patchId += d.toString();
  });
  const exit = (child: typeof diff) =>
    new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", resolve);
    });
  const exits = [exit(diff), exit(patchId)] as const;
  diff.stdout!.pipe(patchId.stdin!);
  diff.stdin!.on("error", () => {}); // git's exit status says why
  patchId.stdin!.on("error", () => {});
  diff.stdin!.end(`${shas.join("\n")}\n`);
  let text = "";
  for await (const chunk of patchId.stdout! as AsyncIterable<Buffer>) text += chunk.toString("latin1");
  const [diffCode, patchIdCode] = await Promise.all(exits);
  for (const [name, code, err] of [
    ["diff-tree", diffCode, stderr.diff],
    ["patch-id", patchIdCode, stderr.patchId],
  ] as const) {
    if (code !== 0) {
      const reason = err.trim().split("\n").pop() || `exit code ${code}`;
      throw new AppError("GIT_FAILED", `git ${name} failed in ${clonePath}: ${reason}`);
    }
  }
  // "<patch-id> <commit>" per commit with a non-empty diff.
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const [id, sha] = line.split(" ");
    if (!id || !sha || !/^[0-9a-f]{40,64}$/.test(id)) {
      throw new AppError(
        "GIT_FAILED",
        `unexpected line in git patch-id output: ${JSON.stringify(line.slice(0, 60))}`,
      );
    }
    out.set(sha, id);
  }
  for (const sha of shas) if (!out.has(sha)) out.set(sha, EMPTY_PATCH_ID);
  return out;
}
