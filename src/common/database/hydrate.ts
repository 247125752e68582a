import type { EntityManager, ObjectLiteral } from 'typeorm';

type Mapping = readonly (readonly [property: string, column: string])[];
const mappings = new WeakMap<object, Mapping>();

/**
 * An entity from a row of a hand-written query, by the entity's column
 * mapping: the column `prefix + database name` fills each property. For a
 * statement that reads several tables' rows at once (TypeORM's finders read
 * one table per round trip) and for hot lists (no query builder per call).
 * Values arrive as `pg` parsed them, as TypeORM's do.
 */
export function hydrate<T extends ObjectLiteral>(
  manager: EntityManager,
  target: new () => T,
  row: Record<string, unknown>,
  prefix = '',
): T {
  const mapping = mappingOf(manager, target);
  const entity = new target() as Record<string, unknown>;
  for (const [property, column] of mapping) {
    const key = prefix + column;
    if (key in row) entity[property] = row[key];
  }
  return entity as T;
}

/** The select list that reads every column of `target` from the table aliased `alias`, each named `prefix + column`, for `hydrate(…, prefix)`. */
export function selectColumns(
  manager: EntityManager,
  target: new () => ObjectLiteral,
  alias: string,
  prefix: string,
): string {
  return mappingOf(manager, target)
    .map(([, column]) => `${alias}.${column} AS ${prefix}${column}`)
    .join(', ');
}

function mappingOf(manager: EntityManager, target: object): Mapping {
  let mapping = mappings.get(target);
  if (!mapping) {
    mapping = manager.connection
      .getMetadata(target as new () => ObjectLiteral)
      .columns.map((column) => [column.propertyName, column.databaseName] as const);
    mappings.set(target, mapping);
  }
  return mapping;
}
