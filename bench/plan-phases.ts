/**
 * Where one statement of CTEs spends its time, from its `EXPLAIN (ANALYZE,
 * BUFFERS, WAL, FORMAT JSON)`: each plan node's own time (its total less its
 * children's), summed per CTE. A CTE Scan counts nothing of its own: the CTE
 * it reads runs (and is counted) in that CTE's plan. Foreign-key checks (the
 * RI triggers that run at the end of the statement) are a phase of their own.
 */
interface PlanNode {
  'Node Type': string;
  'Subplan Name'?: string;
  'Actual Total Time'?: number;
  'Actual Loops'?: number;
  'WAL Bytes'?: number;
  Plans?: PlanNode[];
}

interface Explained {
  Plan: PlanNode;
  'Planning Time': number;
  'Execution Time': number;
  Triggers?: { 'Trigger Name': string; Relation: string; Time: number; Calls: number }[];
}

export interface PhaseTime {
  phase: string;
  ms: number;
  walBytes: number;
}

const total = (node: PlanNode) => (node['Actual Total Time'] ?? 0) * (node['Actual Loops'] ?? 1);

/** A node's own time, and that of its descendants down to (not into) any other CTE. */
function ownTime(node: PlanNode): number {
  if (node['Node Type'] === 'CTE Scan') return 0;
  const children = (node.Plans ?? []).filter((child) => !child['Subplan Name']?.startsWith('CTE '));
  const childTotal = children.reduce((sum, child) => sum + total(child), 0);
  return Math.max(0, total(node) - childTotal) + children.reduce((sum, child) => sum + ownTime(child), 0);
}

/** The WAL a node wrote itself (its children's excluded). */
function ownWal(node: PlanNode): number {
  if (node['Node Type'] === 'CTE Scan') return 0;
  const children = (node.Plans ?? []).filter((child) => !child['Subplan Name']?.startsWith('CTE '));
  const childWal = children.reduce((sum, child) => sum + (child['WAL Bytes'] ?? 0), 0);
  return Math.max(0, (node['WAL Bytes'] ?? 0) - childWal) + children.reduce((sum, child) => sum + ownWal(child), 0);
}

/**
 * Time per phase: `phases` maps a phase's name to the CTEs it is made of (in
 * the order they are printed); CTEs not named and the final SELECT go to
 * "the rest". Planning and the foreign-key checks are added as phases.
 */
export function phaseTimes(explained: Explained, phases: [string, string[]][]): PhaseTime[] {
  const ctes = new Map<string, PlanNode>();
  const collect = (node: PlanNode) => {
    for (const child of node.Plans ?? []) {
      const name = child['Subplan Name'];
      if (name?.startsWith('CTE ')) ctes.set(name.slice(4), child);
      collect(child);
    }
  };
  collect(explained.Plan);
  const named = new Set(phases.flatMap(([, names]) => names));
  const result: PhaseTime[] = phases.map(([phase, names]) => ({
    phase,
    ms: names.reduce((sum, name) => sum + (ctes.has(name) ? ownTime(ctes.get(name)!) : 0), 0),
    walBytes: names.reduce((sum, name) => sum + (ctes.has(name) ? ownWal(ctes.get(name)!) : 0), 0),
  }));
  const top = explained.Plan;
  let rest = ownTime({
    ...top,
    Plans: (top.Plans ?? []).filter((child) => !child['Subplan Name']?.startsWith('CTE ')),
  });
  for (const [name, node] of ctes) if (!named.has(name)) rest += ownTime(node);
  const triggers = explained.Triggers ?? [];
  result.push(
    { phase: 'foreign-key checks', ms: triggers.reduce((sum, trigger) => sum + trigger.Time, 0), walBytes: 0 },
    { phase: 'the rest (final SELECT, NOTIFY)', ms: rest, walBytes: 0 },
    { phase: 'planning', ms: explained['Planning Time'], walBytes: 0 },
  );
  return result;
}

/** Runs EXPLAIN (ANALYZE, BUFFERS, WAL, FORMAT JSON) of `sql` in a transaction that is rolled back. */
export async function explainRolledBack(
  db: { query: (sql: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> },
  sql: string,
  values: unknown[],
): Promise<Explained> {
  await db.query('BEGIN');
  try {
    const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, WAL, FORMAT JSON) ${sql}`, values);
    return (rows[0]['QUERY PLAN'] as Explained[])[0];
  } finally {
    await db.query('ROLLBACK');
  }
}
