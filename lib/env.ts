import path from "node:path";
import { z } from "zod";
import { AppError } from "./errors";

const ZEnv = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine(
      (v) => v === undefined || (/^postgres(ql)?:\/\//.test(v) && URL.canParse(v)),
      "must be a postgresql:// URL",
    ),
  LINEAGE_DATA_DIR: z.string().trim().min(1).optional(),
  GITHUB_TOKEN: z.string().optional(),
  GITHUB_GRAPHQL_URL: z.string().url().default("https://api.github.com/graphql"),
});

export type TEnv = z.infer<typeof ZEnv> & { dataDir: string };

let cached: TEnv | undefined;

/** Every environment variable Lineage reads, parsed once. */
export function getEnv(): TEnv {
  if (cached) return cached;
  const parsed = ZEnv.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError("INVALID_CONFIG", `environment variable ${issue.path.join(".")}: ${issue.message}`);
  }
  cached = {
    ...parsed.data,
    dataDir: path.resolve(/* turbopackIgnore: true */ parsed.data.LINEAGE_DATA_DIR ?? ".data"),
  };
  return cached;
}
