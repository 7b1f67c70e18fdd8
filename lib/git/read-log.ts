import { AppError } from "../errors";
import type { RawChanges } from "./diff-signatures";
import { gitSpawn } from "./run-git";

/** What git log adds to a commit's shape (readTopology gives parents and order). */
export interface GitCommitRecord {
  sha: string;
  authorName: string;
  authorEmail: string;
  authoredAtMs: number;
  committerName: string;
  committerEmail: string;
  committedAtMs: number;
  message: string;
  changedPaths: string[];
  /**
   * Where the commit's raw ":oldmode newmode oldblob newblob status" tokens start in the
   * RawChanges given to readLog, one per changed path in the same order (-1: none given).
   * Their blob ids let the import tell commits with different changes apart without a diff
   * (lib/git/diff-signatures.ts).
   */
  rawStart: number;
}

// Fields of the header, NUL-separated; the message comes last because it may contain
// anything but NUL. \x01 marks a header so the parser can check it is in step.
const FORMAT = "%x01%H%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%B%x00";
const HEADER_FIELDS = 8;
const COLON = 0x3a;
const NEWLINE = 0x0a;

interface Revisions {
  include: string[];
  exclude: string[];
}

/**
 * Runs git with the revisions on stdin and hands each stdout chunk to onChunk; resolves once
 * git has exited 0, else rejects with git's last stderr line. `signal` kills git.
 */
async function streamGit(
  path: string,
  args: string[],
  { include, exclude }: Revisions,
  onChunk: (chunk: Buffer) => void,
  signal?: AbortSignal,
): Promise<void> {
  const child = gitSpawn(path, [...args, "--stdin", "--ignore-missing"], signal ? { signal } : {});
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  exited.catch(() => {}); // observed below; an abort can reject it while output is still read
  child.stdin!.on("error", () => {
    // git exits early on a bad revision; its stderr says why.
  });
  child.stdin!.end(`${include.join("\n")}\n${exclude.map((s) => `^${s}`).join("\n")}\n`);
  try {
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) onChunk(chunk);
  } catch (err) {
    // The parser rejected the output: git need not run on.
    child.kill();
    await exited.catch(() => {});
    throw err;
  }
  const code = await exited;
  if (code !== 0) {
    const reason = stderr.trim().split("\n").pop() || `exit code ${code}`;
    throw new AppError("GIT_FAILED", `git ${args[0]} failed in ${path}: ${reason}`);
  }
}

/**
 * The shape of the commits reachable from `include` but not from `exclude`: each commit's
 * SHA, parents and committer time, parents before children (`rev-list --topo-order
 * --reverse`). Reading no trees or messages, it takes git a fraction of what `readLog`
 * does, so the importer can number commits and replay environments while readLog streams.
 */
export async function readTopology(
  path: string,
  revisions: Revisions,
  onCommit: (sha: string, parents: string[], committedAtMs: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  if (revisions.include.length === 0) return 0;
  let count = 0;
  let pending = "";
  const onLine = (line: string) => {
    // "<committer time> <sha> <parent>..."
    const fields = line.split(" ");
    if (fields.length < 2 || !/^[0-9a-f]{40,64}$/.test(fields[1]!)) {
      throw new AppError(
        "GIT_FAILED",
        `unexpected line in git rev-list output: ${JSON.stringify(line.slice(0, 60))}`,
      );
    }
    onCommit(fields[1]!, fields.slice(2), Number(fields[0]) * 1000);
    count++;
  };
  await streamGit(
    path,
    ["rev-list", "--topo-order", "--reverse", "--parents", "--timestamp"],
    revisions,
    (chunk) => {
      // Hex, digits and spaces only: latin1 decodes them byte for byte.
      const lines = (pending + chunk.toString("latin1")).split("\n");
      pending = lines.pop()!;
      for (const line of lines) onLine(line);
    },
    signal,
  );
  if (pending) onLine(pending);
  return count;
}

/**
 * Streams the commits reachable from `include` but not from `exclude`, in git's default
 * (newest first) order, which git starts writing at once, with the paths each commit changed
 * (against its first parent; merges list none, as `git log` shows them). `--raw -z` output
 * is parsed positionally: every path follows its own ":mode mode sha sha status" token, so
 * no path or message, whatever bytes it holds, can be mistaken for the next commit.
 */
export async function readLog(
  path: string,
  revisions: Revisions,
  onCommit: (commit: GitCommitRecord) => void,
  signal?: AbortSignal,
  /** Receives the raw tokens, parsed from git's bytes. */
  raw?: RawChanges,
): Promise<number> {
  if (revisions.include.length === 0) return 0;
  let count = 0;
  let header: string[] = [];
  let current: GitCommitRecord | undefined;
  let expectPath = false;
  const flush = () => {
    if (current) {
      onCommit(current);
      count++;
      current = undefined;
    }
  };
  const onToken = (token: string) => {
    if (header.length > 0 && header.length < HEADER_FIELDS) {
      header.push(token);
      if (header.length === HEADER_FIELDS) {
        const [sha, an, ae, at, cn, ce, ct, message] = header as [string, ...string[]];
        current = {
          sha,
          authorName: an!,
          authorEmail: ae!,
          authoredAtMs: Number(at) * 1000,
          committerName: cn!,
          committerEmail: ce!,
          committedAtMs: Number(ct) * 1000,
          message: message!.replace(/\n+$/, ""),
          changedPaths: [],
          rawStart: raw ? raw.size : -1,
        };
        header = [];
      }
      return;
    }
    if (expectPath) {
      current!.changedPaths.push(token);
      expectPath = false;
    } else if (token.charCodeAt(0) === 1) {
      flush();
      header = [token.slice(1)];
    } else if (token === "") {
      // the separator git writes after each commit's header
    } else if (token.startsWith(":") || token.startsWith("\n:")) {
      expectPath = true;
    } else {
      throw new AppError(
        "GIT_FAILED",
        `unexpected token in git log output: ${JSON.stringify(token.slice(0, 40))}`,
      );
    }
  };

  let pending: Buffer | undefined;
  await streamGit(
    path,
    [
      "log",
      "--no-renames",
      "--raw",
      // Full blob ids: abbreviating them costs git a lookup per blob, and we never read them.
      "--no-abbrev",
      "-z",
      `--format=${FORMAT}`,
    ],
    revisions,
    (chunk) => {
      const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      let start = 0;
      for (;;) {
        const nul = buf.indexOf(0, start);
        if (nul < 0) break;
        // A ":mode mode sha sha status" token says a path follows; hex, digits and spaces only.
        const first = buf[start];
        if (
          !expectPath &&
          header.length === 0 &&
          (first === COLON || (first === NEWLINE && buf[start + 1] === COLON))
        ) {
          if (raw && current) raw.add(buf, first === COLON ? start : start + 1, nul);
          expectPath = true;
        } else {
          onToken(buf.toString("utf8", start, nul));
        }
        start = nul + 1;
      }
      pending = start < buf.length ? buf.subarray(start) : undefined;
    },
    signal,
  );
  if (pending?.length) onToken(pending.toString("utf8"));
  flush();
  return count;
}
