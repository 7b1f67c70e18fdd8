import { spawnSync } from "node:child_process";

const MAX_BUFFER = 1024 * 1024 * 1024;

export interface GitOptions {
  /** Extra environment variables, applied on top of the isolated base environment. */
  env?: Record<string, string>;
}

export interface GitResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment every git invocation runs with. Inherited `GIT_*` variables are dropped because a
 * test run started from a git hook inherits `GIT_DIR`/`GIT_INDEX_FILE`, which would silently redirect
 * every command to the outer repository. System and global config are ignored so that a developer's
 * `tag.sort`, `init.defaultBranch`, `core.quotePath`, signing settings, ... cannot change what the
 * fixtures contain or what the oracle answers.
 */
export function gitEnv(extra?: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("GIT_") && value !== undefined) env[key] = value;
  }
  env.GIT_CONFIG_NOSYSTEM = "1";
  env.GIT_CONFIG_GLOBAL = "/dev/null";
  env.GIT_TERMINAL_PROMPT = "0";
  // A default identity so `git commit`/`git tag -a` never fail on a machine without user.name;
  // callers that need deterministic SHAs also pin the dates (see `commitEnv`).
  env.GIT_AUTHOR_NAME = "Lineage Test";
  env.GIT_AUTHOR_EMAIL = "test@lineage.invalid";
  env.GIT_COMMITTER_NAME = "Lineage Test";
  env.GIT_COMMITTER_EMAIL = "test@lineage.invalid";
  return { ...env, ...extra };
}

/** Runs git and reports the exit status instead of throwing (for commands whose status is the answer). */
export function gitResult(
  cwd: string,
  args: readonly string[],
  input?: string,
  opts?: GitOptions,
): GitResult {
  const res = spawnSync("git", args, {
    cwd,
    input,
    // Cast: Next's global types make NODE_ENV a required member of ProcessEnv.
    env: gitEnv(opts?.env) as NodeJS.ProcessEnv,
    encoding: "utf8",
    maxBuffer: MAX_BUFFER,
  });
  if (res.error) throw new Error(`git ${args.join(" ")}: ${res.error.message}`);
  if (res.status === null) throw new Error(`git ${args.join(" ")} killed by ${res.signal}`);
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Runs git synchronously and returns stdout; throws with stderr on a non-zero exit. */
export function git(cwd: string, args: readonly string[], input?: string, opts?: GitOptions): string {
  const res = gitResult(cwd, args, input, opts);
  if (res.status !== 0) {
    throw new Error(`git ${args.join(" ")} failed (exit ${res.status}) in ${cwd}:\n${res.stderr.trim()}`);
  }
  return res.stdout;
}

/** Non-empty output lines. */
export function gitLines(cwd: string, args: readonly string[], opts?: GitOptions): string[] {
  const out = git(cwd, args, undefined, opts);
  return out.split("\n").filter((line) => line.length > 0);
}

/**
 * Environment pinning author/committer identity and dates, so commits and annotated tags made with
 * porcelain commands get reproducible SHAs. `git tag -a` takes its tagger from the committer variables.
 */
export function commitEnv(
  unixSeconds: number,
  who: { name?: string; email?: string; tz?: string; authorSeconds?: number } = {},
): Record<string, string> {
  const name = who.name ?? "Lineage Test";
  const email = who.email ?? "test@lineage.invalid";
  const tz = who.tz ?? "+0000";
  return {
    GIT_AUTHOR_NAME: name,
    GIT_AUTHOR_EMAIL: email,
    GIT_AUTHOR_DATE: `@${who.authorSeconds ?? unixSeconds} ${tz}`,
    GIT_COMMITTER_NAME: name,
    GIT_COMMITTER_EMAIL: email,
    GIT_COMMITTER_DATE: `@${unixSeconds} ${tz}`,
  };
}

/** `git init` with a fixed initial branch, independent of the caller's `init.defaultBranch`. */
export function initRepo(dir: string, branch = "main"): void {
  git(dir, ["init", "-q", "-b", branch]);
  // Background auto-gc during a test would race with the test's own reads of the object store.
  git(dir, ["config", "gc.auto", "0"]);
}

/** Creates an empty commit on the current branch at a fixed date and returns its SHA. */
export function commitAt(dir: string, message: string, unixSeconds: number): string {
  git(dir, ["commit", "-q", "--allow-empty", "-m", message], undefined, { env: commitEnv(unixSeconds) });
  return git(dir, ["rev-parse", "HEAD"]).trim();
}

/**
 * Creates a tag on `target`: annotated when `taggerSeconds` is given (tagger date = that time),
 * lightweight otherwise (its creator date is then the commit's committer date).
 */
export function tagAt(dir: string, name: string, target: string, taggerSeconds?: number): void {
  if (taggerSeconds === undefined) {
    git(dir, ["tag", name, target]);
  } else {
    git(dir, ["tag", "-a", "-m", name, name, target], undefined, { env: commitEnv(taggerSeconds) });
  }
}
