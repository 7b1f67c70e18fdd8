import { z } from "zod";
import { compileGlob } from "./glob";

const ZGlob = z.string().superRefine((value, ctx) => {
  try {
    compileGlob(value);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: `bad glob ${JSON.stringify(value)}: ${(err as Error).message}` });
  }
});

// A subset of git check-ref-format: enough to refuse what can never be a branch.
const ZBranchName = z
  .string()
  .min(1, "branch name is empty")
  // biome-ignore lint/suspicious/noControlCharactersInRegex: git refuses control characters in ref names
  .refine((v) => !/(^[-/.])|(\.\.)|[\s~^:?*[\\\x00-\x1f\x7f]|(\/\/)|(\/$)|(\.lock$)|(@\{)|(\.$)/.test(v), {
    message: "bad branch name (see git check-ref-format)",
  });

const SOURCE_KINDS = ["tags", "branch", "deployments"] as const;

/** Exactly one of the three keys; an unknown key is reported as such, by name. */
export const ZEnvironmentSource = z
  .strictObject({ tags: ZGlob.optional(), branch: ZBranchName.optional(), deployments: ZGlob.optional() })
  .superRefine((source, ctx) => {
    const given = SOURCE_KINDS.filter((k) => source[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `must be exactly one of {"tags": "<glob>"}, {"branch": "<name>"} or {"deployments": "<glob>"}${
          given.length ? `, not ${given.map((k) => JSON.stringify(k)).join(" and ")}` : ""
        }`,
      });
    }
  });

export const ZEnvironmentConfig = z.strictObject({
  name: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
      "environment name must be 1-63 letters, digits, '.', '_' or '-'",
    ),
  source: ZEnvironmentSource,
});

export const ZRepositoryConfig = z
  .strictObject({
    repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'repo must be "owner/name"'),
    environments: z.array(ZEnvironmentConfig),
  })
  .superRefine((repo, ctx) => {
    const seen = new Set<string>();
    repo.environments.forEach((env, i) => {
      if (seen.has(env.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["environments", i, "name"],
          message: `duplicate environment "${env.name}"`,
        });
      }
      seen.add(env.name);
    });
  });

export const ZLineageConfig = z
  .strictObject({
    $schema: z.string().optional(),
    repositories: z.array(ZRepositoryConfig),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.repositories.forEach((repo, i) => {
      const key = repo.repo.toLowerCase();
      if (seen.has(key))
        ctx.addIssue({
          code: "custom",
          path: ["repositories", i, "repo"],
          message: `duplicate repository "${repo.repo}"`,
        });
      seen.add(key);
    });
  });

export type TEnvironmentSource = z.infer<typeof ZEnvironmentSource>;
export type TEnvironmentConfig = z.infer<typeof ZEnvironmentConfig>;
export type TRepositoryConfig = z.infer<typeof ZRepositoryConfig>;
export type TLineageConfig = z.infer<typeof ZLineageConfig>;

export type SourceKind = "tags" | "branch" | "deployments";

export function sourceOf(source: TEnvironmentSource): { kind: SourceKind; pattern: string } {
  const kind = SOURCE_KINDS.find((k) => source[k] !== undefined)!;
  return { kind, pattern: source[kind]! };
}
