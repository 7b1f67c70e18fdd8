// Random-answer mode: every query is answered with random data that GitHub's published schema
// allows — each nullable field null some of the time, 0–3 nodes per list, unique ids, hostile
// strings — so a client meets every shape the schema permits, not just the tidy shapes of a
// scenario. Only `rateLimit` stays truthful (a client must be able to budget). Object ids come
// from a small pool, so a client that follows parents or asks for commits by SHA always ends.
import {
  type GraphQLFieldResolver,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLTypeResolver,
  getNamedType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from "graphql";
import { Rng, sha1Hex } from "./prng.ts";
import type { RateLimitView } from "./resolvers.ts";

/** Strings that have broken dashboards, CSV exports and terminals: markup, formulas, controls. */
export const HOSTILE_STRINGS: readonly string[] = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  'v9<svg/onload=alert("x")>',
  "feature/<i>x</i>",
  '=HYPERLINK("http://example.invalid","x")',
  "+1-2",
  "@SUM(A1)",
  "\tTAB",
  "line1\r\nline2",
  "\u001b[2J\u001b[31mred",
  "'; DROP TABLE commit; --",
  "\u0000nul\u0000",
  "\u202Eevil\u202C",
  "😀 ünïcödé",
  "",
  " ",
  "a".repeat(300),
];

/** How often a field the schema lets be null is null: often enough that every such field is met. */
const NULL_CHANCE = 0.12;

export interface RandomAnswerContext {
  rate: RateLimitView;
  dryRun: boolean;
}

export interface RandomAnswers {
  fieldResolver: GraphQLFieldResolver<unknown, RandomAnswerContext>;
  typeResolver: GraphQLTypeResolver<unknown, RandomAnswerContext>;
  /** Starts the answer to one request: its draws depend only on the seed and the request number. */
  beginRequest(seq: number): void;
}

interface Generated {
  __typename?: string;
  [field: string]: unknown;
}

/**
 * Resolvers for random answers. `poolSize` object ids exist in all (commits, tags, …), so every
 * SHA a client is pointed at is one it may ask for, and the set it can discover is finite.
 */
export function randomAnswers(seed: number, poolSize = 24): RandomAnswers {
  const pool = Array.from({ length: poolSize }, (_, i) => sha1Hex(`random-answers:${seed}:${i}`));
  let rng = new Rng(`random-answers:${seed}`);
  let unique = 0;

  const RATE_FIELDS: Record<string, (r: RateLimitView) => unknown> = {
    cost: (r) => r.cost,
    limit: (r) => r.limit,
    nodeCount: (r) => r.nodeCount,
    remaining: (r) => r.remaining,
    used: (r) => r.used,
    resetAt: (r) => new Date(r.resetAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
  };

  const date = () =>
    new Date(Date.UTC(2020, 0, 1) + rng.int(0, 6 * 365 * 24 * 3600) * 1000)
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");

  const scalar = (name: string, field: string): unknown => {
    switch (name) {
      case "ID":
        return `R_${seed}_${++unique}`;
      case "Boolean":
        return field === "hasNextPage" ? rng.chance(0.2) : rng.chance(0.5);
      case "Int":
        if (/databaseId$/i.test(field) || field === "number") return 1_000_000 + ++unique;
        if (field === "totalCount") return rng.int(0, 3);
        return rng.int(0, 100);
      case "Float":
        return rng.next() * 100;
      case "BigInt":
        return String(1_000_000_000 + ++unique);
      case "DateTime":
      case "GitTimestamp":
      case "PreciseDateTime":
        return date();
      case "Date":
        return date().slice(0, 10);
      case "GitObjectID":
        return rng.pick(pool);
      case "URI":
        return `https://example.invalid/${encodeURIComponent(rng.pick(HOSTILE_STRINGS))}`;
      case "String":
        // Some String fields hold object ids (Deployment.commitOid): sometimes one that exists.
        if (/oid$/i.test(field) && rng.chance(0.7)) return rng.pick(pool);
        return rng.chance(0.6) ? rng.pick(HOSTILE_STRINGS) : `text ${rng.hex(6)}`;
      default:
        return rng.chance(0.5) ? rng.pick(HOSTILE_STRINGS) : rng.hex(8);
    }
  };

  /**
   * A commit is the one random thing kept coherent, as Git makes it: its parents come earlier in
   * the pool (so the graph has no cycles) and its parent count equals the parents listed.
   */
  const commit = (i: number): Generated => ({ __typename: "Commit", oid: pool[i], poolIndex: i });
  const parentsOf = (c: Generated): Generated => {
    const i = Number(c.poolIndex);
    const n =
      i === 0
        ? 0
        : rng.weighted([
            [1, 6],
            [2, 2],
            [0, 1],
            [3, 1],
          ] as const);
    const nodes = Array.from({ length: Math.min(n, i) }, () => commit(rng.int(0, i - 1)));
    return { __typename: "CommitConnection", nodes, totalCount: nodes.length };
  };

  const generate = (type: GraphQLOutputType, info: GraphQLResolveInfo, nonNull: boolean): unknown => {
    if (isNonNullType(type)) return generate(type.ofType, info, true);
    if (!nonNull && rng.chance(NULL_CHANCE)) return null;
    if (isListType(type)) {
      return Array.from({ length: rng.int(0, 3) }, () => generate(type.ofType, info, false));
    }
    if (isScalarType(type)) return scalar(type.name, info.fieldName);
    if (isObjectType(type) && type.name === "Commit") return commit(rng.int(0, pool.length - 1));
    if (isEnumType(type)) return rng.pick(type.getValues()).value;
    if (isObjectType(type)) return { __typename: type.name } satisfies Generated;
    const named = getNamedType(type);
    if (isInterfaceType(named) || isUnionType(named)) {
      const possible = info.schema.getPossibleTypes(named);
      return { __typename: rng.pick(possible).name } satisfies Generated;
    }
    return null;
  };

  return {
    beginRequest(seq) {
      // Hashed first: sfc32 seeded from near-identical labels starts with correlated draws.
      rng = new Rng(sha1Hex(`random-answers:${seed}:${seq}`));
    },
    fieldResolver(source, args, ctx, info) {
      if (info.parentType.name === "Query" && info.fieldName === "rateLimit") return ctx.rate;
      if (info.parentType.name === "RateLimit") {
        return RATE_FIELDS[info.fieldName]?.(source as RateLimitView) ?? null;
      }
      if (ctx.dryRun) return null;
      const src = source as Generated | null;
      if (info.fieldName === "__typename") return src?.__typename;
      if (src && Object.hasOwn(src, info.fieldName)) return src[info.fieldName];
      if (src?.__typename === "Commit" && info.fieldName === "parents" && src.poolIndex !== undefined) {
        return parentsOf(src);
      }
      // Asked for an object by id: usually that object, so a client's follow-ups find things.
      const asked = typeof args.oid === "string" ? pool.indexOf(args.oid) : -1;
      if (asked >= 0 && rng.chance(0.7) && info.fieldName === "object") return commit(asked);
      return generate(info.returnType, info, false);
    },
    typeResolver(value) {
      return typeof value === "object" && value !== null ? (value as Generated).__typename : undefined;
    },
  };
}
