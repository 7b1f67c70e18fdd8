// The demo's GitHub scenario and its empty environment, apart from scripts/demo-data.ts so the
// browser tests can rebuild the same scenario (createScenario is deterministic) and take their
// expectations from it without loading the database code.

/** The simulator's scenario: medium size, hostile strings in its last repository (globex/web). */
export const DEMO_SCENARIO = { seed: 7, size: "medium", owner: "globex", hostile: true } as const;

/** An environment of acme/hostile-refs that no tag matches: it has no events yet. */
export const EMPTY_ENVIRONMENT = { name: "canary", source: { tags: "canary-*" } };
