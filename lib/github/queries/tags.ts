import { RATE_LIMIT } from "./fragments";

const TARGET_COMMIT = "__typename oid ... on Commit { committedDate }";

/**
 * Tags newest commit first: a new or moved tag usually points at a recent commit, so an
 * incremental pass reads one page. Targets are followed through two levels of nested tags.
 */
export const TAGS_QUERY = `query Tags($owner: String!, $name: String!, $first: Int!, $after: String) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    refs(refPrefix: "refs/tags/", first: $first, after: $after, orderBy: { field: TAG_COMMIT_DATE, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes {
        name
        target {
          ${TARGET_COMMIT}
          ... on Tag {
            message
            tagger { name email date user { login } }
            target {
              ${TARGET_COMMIT}
              ... on Tag { target { ${TARGET_COMMIT} } }
            }
          }
        }
      }
    }
  }
}`;

export const RELEASES_QUERY = `query Releases($owner: String!, $name: String!, $first: Int!, $after: String) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    releases(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes {
        databaseId tagName name createdAt publishedAt updatedAt isPrerelease isDraft isLatest url
        author { login }
        tagCommit { oid }
      }
    }
  }
}`;
