import {
  PULL_REQUEST_FIELDS,
  RATE_LIMIT,
  REVIEW_FIELDS,
  TIMELINE_FIELDS,
  TIMELINE_ITEM_TYPES,
  withFragments,
} from "./fragments";

/** Most recently updated first: an incremental pass stops at the previous high-water mark. */
export const PULL_REQUESTS_QUERY = withFragments(
  `query PullRequests($owner: String!, $name: String!, $first: Int!, $after: String) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, after: $after, orderBy: { field: UPDATED_AT, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes { ...PullRequestFields }
    }
  }
}`,
  PULL_REQUEST_FIELDS,
  REVIEW_FIELDS,
  TIMELINE_FIELDS,
);

export const PULL_REQUEST_COMMITS_QUERY = `query PullRequestCommits($owner: String!, $name: String!, $number: Int!, $after: String) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      commits(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { commit { oid } } }
    }
  }
}`;

export const PULL_REQUEST_REVIEWS_QUERY = withFragments(
  `query PullRequestReviews($owner: String!, $name: String!, $number: Int!, $after: String) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviews(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { ...ReviewFields } }
    }
  }
}`,
  REVIEW_FIELDS,
);

export const PULL_REQUEST_TIMELINE_QUERY = withFragments(
  `query PullRequestTimeline($owner: String!, $name: String!, $number: Int!, $after: String) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      timelineItems(first: 100, after: $after, itemTypes: ${TIMELINE_ITEM_TYPES}) {
        pageInfo { hasNextPage endCursor }
        nodes { ...TimelineFields }
      }
    }
  }
}`,
  TIMELINE_FIELDS,
);
