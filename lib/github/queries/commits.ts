import { COMMIT_OBJECTS_BATCH, COMMIT_SUITES_BATCH, HEADS_BATCH } from "./cost";
import {
  assertBatch,
  COMMIT_FIELDS,
  RATE_LIMIT,
  SUITE_FIELDS,
  variableList,
  withFragments,
} from "./fragments";

/** The default branch and the named branches' heads: one cheap request tells whether anything moved. */
export function branchHeadsQuery(branches: number): string {
  if (branches !== 0) assertBatch(branches, HEADS_BATCH, "BranchHeads");
  const vars = branches ? `, ${variableList("b", "String!", branches)}` : "";
  const aliases = Array.from(
    { length: branches },
    (_, i) => `b${i}: ref(qualifiedName: $b${i}) { name target { oid } }`,
  ).join("\n    ");
  return `query BranchHeads($owner: String!, $name: String!${vars}) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    defaultBranchRef { name target { oid } }
    ${aliases}
  }
}`;
}

/** A page of `git log <oid>` (newest first), from a fixed commit so the cursor stays valid. */
export const COMMIT_HISTORY_QUERY = withFragments(
  `query CommitHistory($owner: String!, $name: String!, $oid: GitObjectID!, $first: Int!, $after: String) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    object(oid: $oid) {
      ... on Commit {
        history(first: $first, after: $after) {
          pageInfo { hasNextPage endCursor }
          nodes { ...CommitFields }
        }
      }
    }
  }
}`,
  COMMIT_FIELDS,
  SUITE_FIELDS,
);

/** Commits by SHA, as aliased objects: how commits that no branch history covered are read. */
export function commitObjectsQuery(n: number): string {
  assertBatch(n, COMMIT_OBJECTS_BATCH, "CommitObjects");
  const aliases = Array.from(
    { length: n },
    (_, i) => `c${i}: object(oid: $c${i}) { ... on Commit { ...CommitFields } }`,
  ).join("\n    ");
  return withFragments(
    `query CommitObjects($owner: String!, $name: String!, ${variableList("c", "GitObjectID!", n)}) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    ${aliases}
  }
}`,
    COMMIT_FIELDS,
    SUITE_FIELDS,
  );
}

/** Check suites of commits read earlier (a new deploy suite, or more than one page of them). */
export function commitSuitesQuery(n: number): string {
  assertBatch(n, COMMIT_SUITES_BATCH, "CommitSuites");
  const aliases = Array.from(
    { length: n },
    (_, i) =>
      `c${i}: object(oid: $c${i}) { ... on Commit { oid checkSuites(first: 100, after: $a${i}) { pageInfo { hasNextPage endCursor } nodes { ...SuiteFields } } } }`,
  ).join("\n    ");
  return withFragments(
    `query CommitSuites($owner: String!, $name: String!, ${variableList("c", "GitObjectID!", n)}, ${variableList("a", "String", n)}) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    ${aliases}
  }
}`,
    SUITE_FIELDS,
  );
}
