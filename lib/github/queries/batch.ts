import { Kind, parse, print, type SelectionSetNode, type VariableDefinitionNode, visit } from "graphql";
import { TypedDocumentString } from "./generated";

/**
 * A batch document is written (and typed by codegen) with one aliased field, `c0: object(oid:
 * $c0)`; a field aliased `x0` and the variables `$x0` it uses are its template. A sync sends the
 * same document with the template repeated n times (`c0`…`c{n-1}`, `$c0`…), so the answer is
 * the generated type with n aliases of the template's type: read them with `batchItems`.
 */
const TEMPLATE = /^([a-z])0$/;

const cache = new Map<string, string>();

function renameVariables<T extends object>(node: T, i: number): T {
  return visit(node as never, {
    Variable(v) {
      const m = TEMPLATE.exec(v.name.value);
      return m ? { ...v, name: { ...v.name, value: `${m[1]}${i}` } } : undefined;
    },
  }) as T;
}

/** The template document with its aliased fields and their variables repeated n times (n may be 0). */
export function expandBatch(template: string, n: number): string {
  const key = `${n}\u0000${template}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const range = Array.from({ length: n }, (_, i) => i);
  const expanded = visit(parse(template), {
    OperationDefinition(op) {
      const defs = (op.variableDefinitions ?? []).flatMap((d): VariableDefinitionNode[] =>
        TEMPLATE.test(d.variable.name.value) ? range.map((i) => renameVariables(d, i)) : [d],
      );
      return { ...op, variableDefinitions: defs };
    },
    SelectionSet(set): SelectionSetNode {
      return {
        ...set,
        selections: set.selections.flatMap((s) => {
          const alias = s.kind === Kind.FIELD ? s.alias : undefined;
          const m = alias ? TEMPLATE.exec(alias.value) : null;
          if (!m || s.kind !== Kind.FIELD || !alias) return [s];
          return range.map((i) => ({ ...renameVariables(s, i), alias: { ...alias, value: `${m[1]}${i}` } }));
        }),
      };
    },
  });
  const text = print(expanded);
  if (cache.size > 1000) cache.clear();
  cache.set(key, text);
  return text;
}

/** Variables of a batch: the template's variables per index, the others once. */
export type BatchVariables = Record<string, unknown>;

/** The document of n template copies; its answer type is the template's (read it with `batchItems`). */
export function batchDocument<R, V>(
  doc: TypedDocumentString<R, V>,
  n: number,
  max: number,
): TypedDocumentString<R, BatchVariables> {
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new Error(`${operationName(doc)}: batch of ${n} outside 0..${max}`);
  }
  return new TypedDocumentString(expandBatch(doc.toString(), n)) as unknown as TypedDocumentString<
    R,
    BatchVariables
  >;
}

/** The answers of a batch's n aliases, in order; an alias that is missing reads as null. */
export function batchItems<P extends string, O extends { [K in `${P}0`]: unknown }>(
  container: O | null | undefined,
  prefix: P,
  n: number,
): (O[`${P}0`] | null)[] {
  const record = (container ?? {}) as Record<string, O[`${P}0`] | undefined>;
  return Array.from({ length: n }, (_, i) => record[`${prefix}${i}`] ?? null);
}

/** `{ c0: a, c1: b, … }` for a batch's variables. */
export function batchVariables(prefix: string, values: readonly unknown[]): BatchVariables {
  return Object.fromEntries(values.map((v, i) => [`${prefix}${i}`, v]));
}

export function operationName(doc: { toString(): string }): string {
  return /\b(?:query|mutation)\s+(\w+)/.exec(doc.toString())?.[1] ?? "(anonymous)";
}
