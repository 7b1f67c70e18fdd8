import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildSchema,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  parse,
  validate,
} from "graphql";

let cached: GraphQLSchema | undefined;

/** Locates `schema.graphql` of @octokit/graphql-schema; its package `exports` only exposes index.js. */
function schemaFile(): string {
  const candidates: string[] = [];
  try {
    const entry = fileURLToPath(import.meta.resolve("@octokit/graphql-schema"));
    candidates.push(join(dirname(entry), "schema.graphql"));
  } catch {
    // import.meta.resolve is missing in some test transforms; fall back to walking up node_modules.
  }
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    let dir = start;
    for (;;) {
      candidates.push(join(dir, "node_modules", "@octokit", "graphql-schema", "schema.graphql"));
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  const found = candidates.find((file) => existsSync(file));
  if (!found)
    throw new Error("Cannot find @octokit/graphql-schema/schema.graphql; is the package installed?");
  return found;
}

/**
 * GitHub's published github.com schema. `assumeValidSDL` is required: the SDL defines two
 * EnterpriseOwnerInfo fields twice, which strict validation rejects.
 */
export function githubSchema(): GraphQLSchema {
  if (!cached) {
    cached = buildSchema(readFileSync(schemaFile(), "utf8"), { assumeValidSDL: true });
  }
  return cached;
}

/** Parses and validates a query against the GitHub schema; an empty list means the schema accepts it. */
export function validateQuery(doc: string | DocumentNode): readonly GraphQLError[] {
  let document: DocumentNode;
  if (typeof doc === "string") {
    try {
      document = parse(doc);
    } catch (error) {
      return [error as GraphQLError];
    }
  } else {
    document = doc;
  }
  return validate(githubSchema(), document);
}
