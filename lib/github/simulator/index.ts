export { type LineageConfig, scenarioConfig, writeConfig } from "./config.ts";
export { analyzeQuery, type GitHubError, type QueryAnalysis } from "./cost.ts";
export { parseSimulatorArgs, runSimulatorCli, startFromCli } from "./main.ts";
export { implementedFields, PERMISSIONS, type Permission } from "./resolvers.ts";
export * from "./scenario.ts";
export { githubSchema, validateQuery } from "./schema.ts";
export {
  FAULT_KINDS,
  type FaultKind,
  type FaultOptions,
  type RateLimitOptions,
  type RateLimitState,
  type RequestLogEntry,
  type SecondaryLimitOptions,
  type Simulator,
  type SimulatorOptions,
  type SimulatorStats,
  startSimulator,
} from "./server.ts";
