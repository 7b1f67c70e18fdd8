import type { TestProject } from "vitest/node";
import { applyMigrations } from "../migrate";
import { createEmptyDatabase, dropStaleTestDatabases } from "./databases";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  await dropStaleTestDatabases();
  const template = await createEmptyDatabase("lineage_tpl");
  await applyMigrations({ connectionString: template.url });
  project.provide("templateDatabase", template.name);
  return async () => {
    await template.drop();
  };
}
