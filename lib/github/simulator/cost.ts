import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  GraphQLInt,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromAST,
} from "graphql";

/** An entry of the `errors` array in GitHub's shape (`type` at top level, not under extensions). */
export interface GitHubError {
  type?: string;
  message: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  extensions?: Record<string, unknown>;
}

export interface QueryAnalysis {
  /** Requests needed to fill every connection, assuming each `first`/`last` is reached. */
  requests: number;
  /** GitHub's point value: requests / 100, rounded, at least 1. */
  cost: number;
  /** Upper bound of nodes the query may return (sum over connections of the product of page sizes). */
  nodeCount: number;
  dryRun: boolean;
  operationType: "query" | "mutation" | "subscription";
  errors: GitHubError[];
}

export const MAX_PAGE_SIZE = 100;
export const NODE_LIMIT = 500_000;

export function selectOperation(document: DocumentNode, operationName?: string | null) {
  const ops = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return ops.find((o) => o.name?.value === operationName);
  return ops.length === 1 ? ops[0] : undefined;
}

function isConnection(field: GraphQLField<unknown, unknown>): boolean {
  return getNamedType(field.type).name.endsWith("Connection") && field.args.some((a) => a.name === "first");
}

/**
 * Applies GitHub's documented cost formula and its pagination/node limits to a validated query. It runs
 * before execution, exactly like GitHub's query analysis, so an over-limit query costs nothing.
 */
export function analyzeQuery(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
): QueryAnalysis {
  const op = selectOperation(document, operationName);
  const result: QueryAnalysis = {
    requests: 0,
    cost: 1,
    nodeCount: 0,
    dryRun: false,
    operationType: op?.operation ?? "query",
    errors: [],
  };
  if (!op) return result;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const root = op.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  if (!root) return result;
  let nodeLimitReported = false;

  const intArg = (node: FieldNode, name: string): number | null => {
    const arg = node.arguments?.find((a) => a.name.value === name);
    if (!arg) return null;
    const v = valueFromAST(arg.value, GraphQLInt, variables);
    return typeof v === "number" ? v : null;
  };
  const locationOf = (node: FieldNode) =>
    node.loc ? [{ line: node.loc.startToken.line, column: node.loc.startToken.column }] : [];

  /** Whether a connection selection asks for items (GitHub allows `{ totalCount }` without first/last). */
  const selectsItems = (set: SelectionSetNode | undefined, seen = new Set<string>()): boolean => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD && (sel.name.value === "nodes" || sel.name.value === "edges")) return true;
      if (sel.kind === Kind.INLINE_FRAGMENT && selectsItems(sel.selectionSet, seen)) return true;
      if (sel.kind === Kind.FRAGMENT_SPREAD && !seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        if (selectsItems(fragments.get(sel.name.value)?.selectionSet, seen)) return true;
      }
    }
    return false;
  };

  const walk = (
    set: SelectionSetNode | undefined,
    parent: GraphQLCompositeType,
    multiplier: number,
    path: string[],
    spreading: Set<string>,
  ): void => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        if (t && isCompositeType(t)) walk(sel.selectionSet, t, multiplier, path, spreading);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(sel.name.value);
        if (!frag || spreading.has(frag.name.value)) continue;
        const t = schema.getType(frag.typeCondition.name.value);
        if (t && isCompositeType(t)) {
          walk(frag.selectionSet, t, multiplier, path, new Set([...spreading, frag.name.value]));
        }
        continue;
      }
      const name = sel.name.value;
      if (name.startsWith("__") || !(isObjectType(parent) || isInterfaceType(parent))) continue;
      const def = parent.getFields()[name];
      if (!def) continue;
      const here = [...path, sel.alias?.value ?? name];
      if (op.operation === "query" && path.length === 0 && name === "rateLimit") {
        const dry = sel.arguments?.find((a) => a.name.value === "dryRun");
        if (dry && valueFromAST(dry.value, schema.getType("Boolean") as never, variables) === true)
          result.dryRun = true;
      }
      const named = getNamedType(def.type);
      if (!isCompositeType(named)) continue;
      if (!isConnection(def)) {
        walk(sel.selectionSet, named, multiplier, here, spreading);
        continue;
      }
      const first = intArg(sel, "first");
      const last = intArg(sel, "last");
      const error = (type: string, message: string) =>
        result.errors.push({ type, path: here, locations: locationOf(sel), message });
      if (first === null && last === null && selectsItems(sel.selectionSet)) {
        error(
          "MISSING_PAGINATION_BOUNDARIES",
          `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
        );
      } else if (first !== null && last !== null) {
        error(
          "EXCESSIVE_PAGINATION",
          `Passing both \`first\` and \`last\` to paginate the \`${name}\` connection is not supported.`,
        );
      }
      for (const [argName, value] of [
        ["first", first],
        ["last", last],
      ] as const) {
        if (value !== null && value > MAX_PAGE_SIZE) {
          error(
            "EXCESSIVE_PAGINATION",
            `Requesting ${value} records on the \`${name}\` connection exceeds the \`${argName}\` limit of ${MAX_PAGE_SIZE} records.`,
          );
        }
        if (value !== null && value < 0) {
          error(
            "INVALID_PAGINATION",
            `\`${argName}\` on the \`${name}\` connection cannot be less than zero.`,
          );
        }
      }
      const size = Math.max(0, Math.min(MAX_PAGE_SIZE, first ?? last ?? 0));
      result.requests += multiplier;
      result.nodeCount += multiplier * size;
      if (result.nodeCount > NODE_LIMIT && !nodeLimitReported) {
        nodeLimitReported = true;
        result.errors.push({
          type: "MAX_NODE_LIMIT_EXCEEDED",
          path: here,
          locations: locationOf(sel),
          message: `By the time this query traverses to the ${name} connection, it is requesting up to ${result.nodeCount.toLocaleString("en-US")} possible nodes which exceeds the maximum limit of ${NODE_LIMIT.toLocaleString("en-US")}.`,
        });
      }
      walk(sel.selectionSet, named, multiplier * size, here, spreading);
    }
  };

  walk(op.selectionSet, root, 1, [], new Set());
  result.cost = Math.max(1, Math.round(result.requests / 100));
  return result;
}
