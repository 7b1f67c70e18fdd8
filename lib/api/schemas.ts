import { z } from "zod";
import { MAX_FIX_WINDOW_MINUTES } from "../lineage/metrics";

// Path and query text is the caller's: bounded, and free of control characters (PostgreSQL
// refuses NUL in text, which would otherwise surface as a 500). Values only ever reach SQL
// as bound parameters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const CONTROL = /[\x00-\x1f\x7f]/;

const text = (what: string, max: number) =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? `${what} is required` : `${what} must be given once`),
    })
    .min(1, `${what} is empty`)
    .max(max, `${what} is longer than ${max} characters`)
    .refine((v) => !CONTROL.test(v), `${what} contains a control character`);

/** `{owner}/{name}` as in the config (case-insensitive, as the CLI's --repo). */
export const ZRepoParams = z.object({
  owner: text("owner", 100).regex(/^[A-Za-z0-9_.-]+$/, "owner must be letters, digits, '.', '_' or '-'"),
  name: text("name", 100).regex(/^[A-Za-z0-9_.-]+$/, "name must be letters, digits, '.', '_' or '-'"),
});

export const repoName = ({ owner, name }: z.output<typeof ZRepoParams>) => `${owner}/${name}`;

/** A revision as the CLI takes it: SHA, short SHA, tag, branch, with ~N ^N; an environment name for diff. */
export const ZRevision = text("revision", 1000);

/** An environment name as the config allows it. */
export const ZEnvironmentName = text("environment", 63).regex(
  /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
  "environment must be letters, digits, '.', '_' or '-'",
);

/** Full or short (4+ hex digits) SHA. */
export const ZSha = text("sha", 40).regex(/^[0-9a-fA-F]{4,40}$/, "sha must be 4 to 40 hex digits");

/** A query parameter given once: a repeated one is refused rather than silently picking one. */
const once = <S extends z.ZodType>(schema: S, name: string) =>
  z.preprocess((v, ctx) => {
    if (!Array.isArray(v)) return v;
    ctx.addIssue({ code: "custom", message: `${name} is given more than once`, input: v });
    return z.NEVER;
  }, schema);

const positiveInt = (name: string, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a positive whole number`)
    .transform(Number)
    .pipe(z.number().int().min(1, `${name} must be at least 1`).max(max, `${name} must be at most ${max}`));

/** An ISO 8601 date (UTC midnight) or date-time with Z or an offset. */
const isoTime = (name: string) =>
  z.string().transform((v, ctx) => {
    const ok =
      z.iso.date().safeParse(v).success ||
      z.iso.datetime({ offset: true, local: false }).safeParse(v).success;
    const at = new Date(v);
    if (!ok || Number.isNaN(at.getTime())) {
      ctx.addIssue({
        code: "custom",
        message: `${name} must be an ISO 8601 date or date-time (2025-01-31, 2025-01-31T14:10:00Z)`,
      });
      return z.NEVER;
    }
    return at;
  });

export const ZWhereQuery = z.strictObject({
  rev: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z
      .array(ZRevision)
      .min(1, "rev is required (repeat it for several revisions)")
      .max(100, "at most 100 revisions at once"),
  ),
});

export const ZDiffQuery = z.strictObject({
  from: once(ZRevision, "from"),
  to: once(ZRevision, "to"),
  page: once(positiveInt("page", 1_000_000), "page").optional(),
  perPage: once(positiveInt("perPage", 1000), "perPage").optional(),
});

export const ZEventsQuery = z
  .strictObject({
    from: once(isoTime("from"), "from").optional(),
    to: once(isoTime("to"), "to").optional(),
    limit: once(positiveInt("limit", 100_000), "limit").optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, "from must not be after to");

/** `?env=&from=&to=&bucket=&tz=&fixWindow=` of /metrics; the period is checked by the domain function. */
export const ZMetricsQuery = z.strictObject({
  env: once(ZEnvironmentName, "env").optional(),
  from: once(isoTime("from"), "from").optional(),
  to: once(isoTime("to"), "to").optional(),
  bucket: once(z.enum(["week", "month"], { error: "bucket must be week or month" }), "bucket").optional(),
  tz: once(text("tz", 64), "tz").optional(),
  fixWindow: once(
    z
      .string()
      .regex(/^\d+$/, "fixWindow must be a whole number of minutes")
      .transform(Number)
      .pipe(
        z.number().int().max(MAX_FIX_WINDOW_MINUTES, `fixWindow must be at most ${MAX_FIX_WINDOW_MINUTES}`),
      ),
    "fixWindow",
  ).optional(),
});

/** A repeatable query parameter: one value or several. */
const many = <S extends z.ZodType>(schema: S, max: number, name: string) =>
  z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(schema).max(max, `at most ${max} ${name} values`),
  );

export const ZTraceQuery = z.strictObject({
  env: once(ZEnvironmentName, "env").optional(),
  at: once(isoTime("at"), "at"),
  good: once(text("good", 1000), "good").optional(),
  path: many(text("path", 1000), 50, "path"),
  grep: once(text("grep", 200), "grep").optional(),
  page: once(positiveInt("page", 1_000_000), "page").optional(),
  perPage: once(positiveInt("perPage", 1000), "perPage").optional(),
});
