import { type ASTNode, type DocumentNode, type GraphQLError, Kind, print } from "graphql";
import type { GitHubError } from "./cost.ts";

const locations = (error: GraphQLError) =>
  error.locations?.map((l) => ({ line: l.line, column: l.column })) ?? [];

interface NodeContext {
  /** graphql-ruby style static path: "query Name", field names, "... on Type", "fragment Name". */
  path: string[];
  field?: string;
  argument?: string;
}

/** Maps every AST node to the static path GitHub (graphql-ruby) reports for validation errors. */
function contextMap(document: DocumentNode): Map<ASTNode, NodeContext> {
  const map = new Map<ASTNode, NodeContext>();
  const visitValue = (node: ASTNode, ctx: NodeContext) => {
    map.set(node, ctx);
    if (node.kind === Kind.LIST) for (const v of node.values) visitValue(v, ctx);
    if (node.kind === Kind.OBJECT) {
      for (const f of node.fields) {
        map.set(f, ctx);
        visitValue(f.value, ctx);
      }
    }
  };
  const visitSelections = (nodes: readonly ASTNode[], path: string[]) => {
    for (const node of nodes) {
      if (node.kind === Kind.FIELD) {
        const here = [...path, node.alias?.value ?? node.name.value];
        const ctx = { path: here, field: node.name.value };
        map.set(node, ctx);
        map.set(node.name, ctx);
        for (const arg of node.arguments ?? []) {
          const actx = { ...ctx, argument: arg.name.value };
          map.set(arg, actx);
          visitValue(arg.value, actx);
        }
        if (node.selectionSet) visitSelections(node.selectionSet.selections, here);
      } else if (node.kind === Kind.INLINE_FRAGMENT) {
        const here = [...path, node.typeCondition ? `... on ${node.typeCondition.name.value}` : "..."];
        map.set(node, { path: here });
        if (node.typeCondition) map.set(node.typeCondition, { path: here });
        visitSelections(node.selectionSet.selections, here);
      } else if (node.kind === Kind.FRAGMENT_SPREAD) {
        map.set(node, { path: [...path, `... ${node.name.value}`] });
      }
    }
  };
  for (const def of document.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION) {
      const root = def.name ? `${def.operation} ${def.name.value}` : def.operation;
      map.set(def, { path: [root] });
      for (const v of def.variableDefinitions ?? []) {
        map.set(v, { path: [root] });
        map.set(v.variable, { path: [root] });
        map.set(v.type, { path: [root] });
      }
      visitSelections(def.selectionSet.selections, [root]);
    } else if (def.kind === Kind.FRAGMENT_DEFINITION) {
      const root = `fragment ${def.name.value}`;
      map.set(def, { path: [root] });
      map.set(def.typeCondition, { path: [root] });
      visitSelections(def.selectionSet.selections, [root]);
    }
  }
  return map;
}

interface Translation {
  pattern: RegExp;
  build: (m: RegExpMatchArray, ctx: NodeContext | undefined, node: ASTNode | undefined) => GitHubError;
}

/**
 * graphql-js wording → GitHub's (graphql-ruby) wording and `extensions.code`. Only the rules a client is
 * likely to trip over are translated; anything else keeps graphql-js' message.
 */
const TRANSLATIONS: Translation[] = [
  {
    pattern: /^Cannot query field "([^"]+)" on type "([^"]+)"/,
    build: ([, field, type]) => ({
      message: `Field '${field}' doesn't exist on type '${type}'`,
      extensions: { code: "undefinedField", typeName: type, fieldName: field },
    }),
  },
  {
    pattern: /^Unknown argument "([^"]+)" on field "([^".]+)\.([^"]+)"/,
    build: ([, arg, , field]) => ({
      message: `Field '${field}' doesn't accept argument '${arg}'`,
      extensions: { code: "argumentNotAccepted", name: field, typeName: "Field", argumentName: arg },
    }),
  },
  {
    pattern: /^Field "([^"]+)" argument "([^"]+)" of type "([^"]+)" is required, but it was not provided/,
    build: ([, field, arg]) => ({
      message: `Field '${field}' is missing required arguments: ${arg}`,
      extensions: { code: "missingRequiredArguments", className: "Field", name: field, arguments: arg },
    }),
  },
  {
    pattern: /^Variable "\$([^"]+)" is never used(?: in operation "([^"]+)")?/,
    build: ([, v, op]) => ({
      message: `Variable $${v} is declared by ${op ?? "anonymous query"} but not used`,
      extensions: { code: "variableNotUsed", variableName: v },
    }),
  },
  {
    pattern: /^Variable "\$([^"]+)" is not defined(?: by operation "([^"]+)")?/,
    build: ([, v, op]) => ({
      message: `Variable $${v} is used by ${op ?? "anonymous query"} but not declared`,
      extensions: { code: "variableNotDefined", variableName: v },
    }),
  },
  {
    pattern: /^Field "([^"]+)" of type "([^"]+)" must have a selection of subfields/,
    build: ([, field, type]) => ({
      message: `Field must have selections (field '${field}' returns ${(type ?? "").replace(/[[\]!]/g, "")} but has no selections. Did you mean '${field} { ... }'?)`,
      extensions: {
        code: "selectionMismatch",
        nodeName: `field '${field}'`,
        typeName: (type ?? "").replace(/[[\]!]/g, ""),
      },
    }),
  },
  {
    pattern: /^Field "([^"]+)" must not have a selection since type "([^"]+)" has no subfields/,
    build: ([, field, type]) => ({
      message: `Selections can't be made on scalars (field '${field}' returns ${(type ?? "").replace(/[[\]!]/g, "")} but has selections [...])`,
      extensions: {
        code: "selectionMismatch",
        nodeName: `field '${field}'`,
        typeName: (type ?? "").replace(/[[\]!]/g, ""),
      },
    }),
  },
  {
    pattern: /^Unknown type "([^"]+)"/,
    build: ([, type]) => ({
      message: `No such type ${type}, so it can't be a fragment condition`,
      extensions: { code: "undefinedType", typeName: type },
    }),
  },
  {
    pattern:
      /^Fragment (?:"[^"]+" )?cannot be spread here as objects of type "([^"]+)" can never be of type "([^"]+)"/,
    build: ([, parent, frag]) => ({
      message: `Fragment on ${frag} can't be spread inside ${parent}`,
      extensions: {
        code: "fragmentSpreadTypeMismatch",
        typeName: frag,
        fragmentName: "unknown",
        parentName: parent,
      },
    }),
  },
  {
    pattern:
      /^(?:Expected value of type "([^"]+)"|(?:Enum|String|Int|Boolean|Float|ID) "?([^" ]+)"? cannot represent)/,
    build: (m, ctx, node) => {
      const type = m[1] ?? m[2] ?? "unknown";
      const value = node ? print(node) : "";
      return {
        message: `Argument '${ctx?.argument ?? "?"}' on Field '${ctx?.field ?? "?"}' has an invalid value (${value}). Expected type '${type}'.`,
        extensions: {
          code: "argumentLiteralsIncompatible",
          typeName: "Field",
          argumentName: ctx?.argument ?? null,
        },
      };
    },
  },
];

/** Converts graphql-js validation/parse errors into GitHub's error objects. */
export function formatValidationErrors(
  errors: readonly GraphQLError[],
  document?: DocumentNode,
): GitHubError[] {
  const contexts = document ? contextMap(document) : new Map<ASTNode, NodeContext>();
  return errors.map((error) => {
    const syntax = /^Syntax Error: (.*)$/.exec(error.message);
    if (syntax) {
      const loc = error.locations?.[0];
      const token = /found (.+?)\.?$/.exec(syntax[1] ?? "")?.[1] ?? "input";
      return {
        message: `Parse error on ${token === "<EOF>" ? "end of file" : token} at [${loc?.line ?? 1}, ${loc?.column ?? 1}]`,
        locations: locations(error),
      };
    }
    const node = error.nodes?.[0];
    const ctx = node ? contexts.get(node) : undefined;
    for (const t of TRANSLATIONS) {
      const m = error.message.match(t.pattern);
      if (m) {
        const out = t.build(m, ctx, node);
        return {
          path: ctx?.path,
          extensions: out.extensions,
          locations: locations(error),
          message: out.message,
        };
      }
    }
    return {
      path: ctx?.path,
      extensions: { code: "validationError" },
      locations: locations(error),
      message: error.message,
    };
  });
}

/** Execution errors: GitHub puts `type` at the top level and sends no `extensions` for them. */
export function formatExecutionError(error: GraphQLError): GitHubError {
  const ext = { ...(error.extensions as Record<string, unknown>) };
  const type = typeof ext.type === "string" ? ext.type : undefined;
  delete ext.type;
  const out: Partial<GitHubError> = {};
  if (type) out.type = type;
  if (error.path) out.path = [...error.path];
  if (error.locations) out.locations = locations(error);
  out.message = error.message;
  if (Object.keys(ext).length > 0) out.extensions = ext;
  return out as GitHubError;
}

/** Variable coercion failures, in GitHub's wording. */
export function formatVariableError(error: GraphQLError): GitHubError {
  const m = /^Variable "\$([^"]+)" (?:of (?:required )?type "([^"]+)" )?.*?(?:; (.*))?$/.exec(error.message);
  const name = m?.[1] ?? "?";
  const type = m?.[2] ?? "?";
  const explanation = m?.[3] ?? error.message;
  return {
    extensions: { value: null, problems: [{ path: [], explanation }] },
    locations: locations(error),
    message: `Variable $${name} of type ${type} was provided invalid value`,
  };
}
