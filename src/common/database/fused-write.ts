import type { EntityManager } from 'typeorm';
import { queryPrepared } from './prepared.js';

/**
 * The writes of one change, fused into a single data-modifying statement:
 * each owner adds its own CTEs (taking its parameters here) and `run` sends
 * them as one `WITH … SELECT`, one round trip instead of one per owner.
 * The rules stay in TypeScript; only the writing is fused.
 *
 * PostgreSQL runs every sub-statement on the same snapshot and no sub-
 * statement sees another's rows except through RETURNING, so a CTE that needs
 * a row written in the same statement names the CTE that wrote it (foreign
 * keys are checked at the end of the statement, so they are satisfied). No
 * row may be changed by two sub-statements of one statement.
 *
 * A guarded write (`guard`) needs no transaction around it: its first CTE
 * locks the row the change was decided on, provided it is still the version
 * that was read, and every other CTE writes only `when` that lock was had,
 * so the statement either writes everything or, when the row changed in
 * between, nothing (`run` says which, and the caller decides again).
 */
export class FusedWrite {
  private readonly ctes: string[] = [];
  private readonly outputs: string[] = [];
  private readonly params: unknown[] = [];
  private readonly used = new Map<string, number>();
  private readonly finishers: (() => void)[] = [];
  private readonly gathered = new Map<string, unknown[]>();
  private guarded = false;

  /** `prepared: false` for a write whose statement has many shapes and runs rarely (see `run`). */
  constructor(private readonly options: { prepared: boolean } = { prepared: true }) {}

  /**
   * Locks the row `lock` selects (a `SELECT … FOR UPDATE` that also checks
   * the version the change was decided on) before anything is written, and
   * writes nothing unless it selects a row. Call before adding anything.
   */
  guard(lock: string): this {
    if (this.ctes.length > 0 || this.guarded) throw new Error('A guard is the first CTE of its statement');
    this.guarded = true;
    this.ctes.push(`write_guard AS (${lock})`);
    this.outputs.push('(SELECT count(*) FROM write_guard)::int AS guard_held');
    return this;
  }

  /** The condition every CTE puts on the rows it writes: that the guard's lock was had (always true without a guard). */
  get when(): string {
    return this.guarded ? 'EXISTS (SELECT 1 FROM write_guard)' : 'true';
  }

  /** A placeholder for `value`, cast to `type`. */
  param(value: unknown, type: string): string {
    this.params.push(value);
    return `$${this.params.length}::${type}`;
  }

  /**
   * Rows given column by column (values and a type each) as a SELECT that
   * yields them only `when` the guard holds. Each value is its own
   * parameter, so the planner knows how many rows there are even in a
   * prepared statement's generic plan (an array parameter under `unnest`
   * reads as a hundred rows there, and PostgreSQL would plan anew on every
   * call rather than use that plan). For the handful of rows one change
   * writes; set-based work (sweeps, broadcasts) has its own statements.
   */
  rows(columns: readonly (readonly [readonly unknown[], string])[]): string {
    const count = columns[0]?.[0].length ?? 0;
    const tuples = Array.from(
      { length: count },
      (_, row) => `(${columns.map(([values, type]) => this.param(values[row], type)).join(', ')})`,
    );
    return `SELECT * FROM (VALUES ${tuples.join(', ')}) AS fused_rows WHERE ${this.when}`;
  }

  /**
   * An `INSERT` of one row, given as column → [value, type], written only
   * `when` the guard holds: the body of a CTE (`with(name, …)`).
   */
  insert(table: string, row: Record<string, readonly [unknown, string]>, returning?: string): string {
    const columns = Object.keys(row);
    const values = this.rows(columns.map((column) => [[row[column][0]], row[column][1]] as const));
    return `INSERT INTO ${table} (${columns.join(', ')}) ${values}${returning ? ` RETURNING ${returning}` : ''}`;
  }

  /** A CTE name not used yet in this statement: `base`, then `base_2`, … */
  name(base: string): string {
    const count = (this.used.get(base) ?? 0) + 1;
    this.used.set(base, count);
    return count === 1 ? base : `${base}_${count}`;
  }

  /** Adds `name AS (sql)`; the name should come from `name()` unless another owner refers to it. */
  with(name: string, sql: string): this {
    this.ctes.push(`${name} AS (${sql})`);
    return this;
  }

  /** Adds an already joined list of CTEs (`a AS (…), b AS (…)`) built by an owner. */
  withList(ctes: string): this {
    this.ctes.push(ctes);
    return this;
  }

  /** An expression for the final SELECT, evaluated once every CTE ran (such as a NOTIFY). */
  output(expression: string): this {
    this.outputs.push(expression);
    return this;
  }

  /**
   * Rows of one kind from several calls, written by one CTE in the order
   * they were given (a timeline's events): `emit` builds that CTE from all of
   * them just before the statement is built.
   */
  gather<T>(kind: string, rows: T[], emit: (all: T[]) => void): this {
    let all = this.gathered.get(kind) as T[] | undefined;
    if (!all) {
      const rowsOfKind: T[] = [];
      all = rowsOfKind;
      this.gathered.set(kind, all);
      this.finishers.push(() => emit(rowsOfKind));
    }
    all.push(...rows);
    return this;
  }

  /** The statement and its parameters as they will be sent (for tests and EXPLAIN); null when nothing was added. */
  statement(): { sql: string; params: unknown[] } | null {
    for (const finish of this.finishers.splice(0)) finish();
    if (this.ctes.length === (this.guarded ? 1 : 0)) return null;
    return {
      sql: `WITH ${this.ctes.join(',\n')}\nSELECT ${this.outputs.length > 0 ? this.outputs.join(', ') : '1'}`,
      params: this.params,
    };
  }

  /** Sends everything added so far as one statement in `tx` (nothing when nothing was added); false when a guard did not hold, so nothing was written. */
  async run(tx: EntityManager): Promise<boolean> {
    const statement = this.statement();
    if (!statement) return true;
    // Prepared: the statement's text depends on which owners wrote and not on how many rows, so each is planned once per connection.
    // A write of many shapes that runs rarely (a claim's steps) is sent unprepared, so it takes none of the connection's prepared names.
    const rows: { guard_held?: number }[] = this.options.prepared
      ? await queryPrepared<{ guard_held?: number }>(tx, statement.sql, statement.params)
      : await tx.query(statement.sql, statement.params);
    return !this.guarded || rows[0]?.guard_held === 1;
  }
}
