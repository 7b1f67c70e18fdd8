import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { AppError } from "../errors";
import { type TLineageConfig, type TRepositoryConfig, ZLineageConfig } from "./schema";

export const DEFAULT_CONFIG_FILE = "lineage.config.json";

function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`))
    .join("");
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    return `${where ? `${where}: ` : ""}unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  }
  return `${where || "(top level)"}: ${issue.message}`;
}

/** Parses config text; every mistake becomes one line naming the file and the field. */
export function parseConfig(text: string, file: string): TLineageConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, "")); // editors on Windows may save a byte-order mark
  } catch (err) {
    throw new AppError("INVALID_CONFIG", `${file}: invalid JSON: ${(err as Error).message}`);
  }
  const parsed = ZLineageConfig.safeParse(raw);
  if (!parsed.success) {
    // A misspelt key also makes the key it stands for missing: the misspelling explains both.
    const issues = parsed.error.issues;
    const issue = issues.find((i) => i.code === "unrecognized_keys") ?? issues[0]!;
    throw new AppError("INVALID_CONFIG", `${file}: ${describeIssue(issue)}`);
  }
  return parsed.data;
}

/**
 * Loads the config file: the one given, else `lineage.config.json` in the working directory.
 * A missing file is named as missing (every command answers from the config's environments),
 * unless `optional`, for the commands that need none (migrate).
 */
export function loadConfig(
  file?: string,
  { optional = false }: { optional?: boolean } = {},
): TLineageConfig & { file: string } {
  const resolved = path.resolve(file ?? DEFAULT_CONFIG_FILE);
  const shown = file ?? DEFAULT_CONFIG_FILE;
  if (!existsSync(resolved)) {
    if (file) throw new AppError("INVALID_CONFIG", `${shown}: no such config file`);
    if (optional) return { repositories: [], file: shown };
    throw new AppError(
      "INVALID_CONFIG",
      `no config file: ${DEFAULT_CONFIG_FILE} is not in ${process.cwd()} (create it, or give --config FILE)`,
    );
  }
  let text: string;
  try {
    text = readFileSync(resolved, "utf8");
  } catch (err) {
    throw new AppError(
      "INVALID_CONFIG",
      `${shown}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return { ...parseConfig(text, shown), file: shown };
}

export function getRepositoryConfigOrThrow(
  config: TLineageConfig & { file: string },
  repo: string,
): TRepositoryConfig {
  const found = config.repositories.find((r) => r.repo.toLowerCase() === repo.toLowerCase());
  if (!found) {
    const known = config.repositories.map((r) => r.repo).join(", ") || "none";
    throw new AppError(
      "NOT_FOUND",
      `unknown repository "${repo}": not in ${config.file} (configured: ${known})`,
    );
  }
  return found;
}
