import { writeFileSync } from "node:fs";
import type { Scenario } from "./scenario.ts";

export interface LineageConfig {
  repositories: {
    repo: string;
    environments: { name: string; source: { deployments: string } }[];
  }[];
}

/** The `lineage.config.json` that points Lineage at every repository of the scenario. */
export function scenarioConfig(scenario: Scenario): LineageConfig {
  return {
    repositories: scenario.repos.map((r) => ({
      repo: `${r.owner}/${r.name}`,
      environments: ["dev", "test", "prod"].map((name) => ({ name, source: { deployments: name } })),
    })),
  };
}

export function writeConfig(scenario: Scenario, file: string): LineageConfig {
  const config = scenarioConfig(scenario);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return config;
}
