import { I18n } from '../src/i18n/i18n.service.js';
import pg from 'pg';
import { NOW, seed } from '../bench/sweep-bench.js';
import { INBOX_CHANNEL, searchVectorSql, USERS_PER_NOTICE } from '../src/inbox/inbox.queries.js';
import { ANY_DUE, slaNoticeTexts, SWEEP_BATCH } from '../src/sla/sla-sweep.queries.js';
import { startTestApp, TestApp } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';

interface PlanNode {
  'Node Type': string;
  'Subplan Name'?: string;
  'CTE Name'?: string;
  Plans?: PlanNode[];
}

/** The CTE a join input reads, through the nodes that only pass rows on (Materialize, Hash, Sort), if it reads one. */
function cteRead(node: PlanNode): string | undefined {
  if (node['Node Type'] === 'CTE Scan') return node['CTE Name'];
  if (['Materialize', 'Hash', 'Sort', 'Memoize'].includes(node['Node Type']) && node.Plans?.length === 1)
    return cteRead(node.Plans[0]);
  return undefined;
}

/** Every join in a plan whose two sides both read CTEs: `outer ⋈ inner`. */
function joinsOfTwoCtes(node: PlanNode): string[] {
  const found: string[] = [];
  const inputs = (node.Plans ?? []).filter((child) => !child['Subplan Name']);
  if (['Nested Loop', 'Hash Join', 'Merge Join'].includes(node['Node Type']) && inputs.length === 2) {
    const [outer, inner] = inputs.map(cteRead);
    if (outer && inner) found.push(`${node['Node Type']}: ${outer} ⋈ ${inner}`);
  }
  for (const child of node.Plans ?? []) found.push(...joinsOfTwoCtes(child));
  return found;
}

describe('a sweep batch of many cases', () => {
  let t: TestApp;
  let admin: TestUser;
  const sweep = async () =>
    (
      await t.http
        .post('/admin/jobs/sla-sweep/run')
        .set('Authorization', `Bearer ${t.tokenFor(admin)}`)
        .expect(200)
    ).body;

  beforeEach(async () => {
    t = await startTestApp();
    admin = await createUser(t.sql, 'admin');
    t.clock.set(NOW);
  });
  afterEach(() => t.close());

  it('joins no two of its CTEs, so that no row estimate can make it a nested loop over thousands of rows', async () => {
    // 900 cases past all three levels, of 900 buyers and 900 sellers: 2,700 marks, 4,500 notices and items.
    await seed(t.database.url, { openCases: 900, dueCases: 900 });
    const values = [NOW, 1000, NOW, null, [], slaNoticeTexts(new Date(NOW), I18n.standalone())];
    const { rows } = await t.sql.query(`EXPLAIN (FORMAT JSON) ${SWEEP_BATCH}`, values);
    const plan = (rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0].Plan;
    expect(joinsOfTwoCtes(plan)).toEqual([]);
    // The check finds such a join where there is one.
    const { rows: joined } = await t.sql.query(
      `EXPLAIN (FORMAT JSON) WITH a AS MATERIALIZED (SELECT id FROM users), b AS MATERIALIZED (SELECT id FROM users)
       SELECT * FROM a JOIN b ON a.id = b.id`,
    );
    expect(joinsOfTwoCtes((joined[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0].Plan)).toHaveLength(1);

    expect(await sweep()).toMatchObject({ atRisk: 900, late: 900, escalated: 900, failed: 0 });
    const { rows: written } = await t.sql.query(
      `SELECT (SELECT count(*) FROM sla_actions)::int AS marks, (SELECT count(*) FROM outbox)::int AS outbox,
              (SELECT count(*) FROM inbox_items)::int AS items, (SELECT count(*) FROM escalations)::int AS escalations,
              (SELECT count(*) FROM case_events WHERE data ? 'escalationId')::int AS escalation_events,
              (SELECT count(*) FROM case_events e JOIN escalations x ON x.id = (e.data->>'escalationId')::uuid AND x.case_id = e.case_id)::int AS events_naming_theirs,
              (SELECT count(*) FROM cases WHERE status = 'escalated' AND sla_level = 3 AND next_action_at IS NULL)::int AS escalated_cases`,
    );
    expect(written[0]).toEqual({
      marks: 2700,
      outbox: 4500,
      items: 4500,
      escalations: 900,
      escalation_events: 900,
      events_naming_theirs: 900,
      escalated_cases: 900,
    });
    // Each user's items are numbered 1, 2, … with no gap, and the counters agree with them.
    const { rows: numbering } = await t.sql.query(
      `SELECT count(*)::int AS users FROM (
         SELECT i.user_id FROM inbox_items i JOIN inbox_counters c ON c.user_id = i.user_id
          GROUP BY i.user_id, c.seq, c.unread_notices, c.unread_customer_service
         HAVING min(i.seq) <> 1 OR max(i.seq) <> count(*) OR c.seq <> count(*)
             OR c.unread_notices <> count(*) FILTER (WHERE i.category = 'notices')
             OR c.unread_customer_service <> count(*) FILTER (WHERE i.category = 'customer_service')) AS wrong`,
    );
    expect(numbering[0].users).toBe(0);

    // Nothing is due now, while the statistics still say every case is: the next run's look for due cases reads the
    // index (a sequential scan stopping at the first due case looks cheaper on them, and reads the whole table).
    const { rows: look } = await t.sql.query(`EXPLAIN ${ANY_DUE}`, [NOW]);
    expect(look.map((row) => row['QUERY PLAN'] as string).join('\n')).toMatch(
      /Index (Only )?Scan using cases_next_action_idx/,
    );
    expect(await sweep()).toMatchObject({ atRisk: 0, late: 0, escalated: 0, failed: 0 });
  }, 60_000);

  it(`tells the live streams of every user with new items in notifications of up to ${USERS_PER_NOTICE} users each`, async () => {
    await seed(t.database.url, { openCases: 450, dueCases: 450 });
    const listener = new pg.Client({ connectionString: t.database.url });
    await listener.connect();
    const payloads: string[] = [];
    listener.on('notification', (message) => {
      if (message.channel === INBOX_CHANNEL) payloads.push(message.payload ?? '');
    });
    await listener.query(`LISTEN ${INBOX_CHANNEL}`);
    try {
      expect(await sweep()).toMatchObject({ escalated: 450 });
      await listener.query('SELECT 1'); // notifications are delivered before the answer to a later query
      const { rows } = await t.sql.query(`SELECT DISTINCT user_id FROM inbox_items`);
      const recipients = rows.map((row) => row.user_id as string).sort();
      expect(recipients).toHaveLength(900);
      expect(payloads).toHaveLength(Math.ceil(900 / USERS_PER_NOTICE));
      for (const payload of payloads) {
        expect(Buffer.byteLength(payload)).toBeLessThan(8000);
        expect(payload.split(',').length).toBeLessThanOrEqual(USERS_PER_NOTICE);
      }
      expect(payloads.flatMap((payload) => payload.split(',')).sort()).toEqual(recipients);
    } finally {
      await listener.end();
    }
  }, 60_000);

  it('gives every notice item the search vector of its own texts, whatever the case subject holds', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    const subjects = [
      'Crème brûlée set — naïve café',
      'e-mail from bob@example.com about http://shop.example/x?y=1',
      'Order #1234-5678: 2.5 kg, v1.2.3',
      'A "quoted" word and ‘single’ quotes',
      '-5 items / half-price',
      '東京の注文について',
      'Ends with a dot.',
      '{{case}} in the subject',
      'über-long hyphenated-compound-word test',
      '/path/to/file.txt',
      '<b>bold</b> and <a href="x">a link</a>',
      '“Quoted” already, «guillemets» and „German“ marks',
      'double  spaces  here',
      `A subject long enough that the notices cut it inside a word: ${'abcdefghij'.repeat(4)}`,
    ];
    for (const subject of subjects)
      await t.http
        .post('/cases')
        .set('Authorization', `Bearer ${t.tokenFor(buyer)}`)
        .send({ sellerId: seller.id, listingRef: 'l-1', topic: 'question', subject, body: 'Is it still available?' })
        .expect(201);
    t.clock.advance(10 * 86_400_000);
    expect(await sweep()).toMatchObject({ escalated: subjects.length, failed: 0 });
    const { rows } = await t.sql.query(
      `SELECT count(*)::int AS items,
              count(*) FILTER (WHERE search IS DISTINCT FROM ${searchVectorSql('subject', 'sender_name', 'body')})::int AS other
         FROM inbox_items WHERE kind IN ('reply_window_at_risk', 'reply_window_late', 'case_escalated')`,
    );
    expect(rows[0]).toEqual({ items: subjects.length * 5, other: 0 });
    // And a word of the subject finds them (accents aside), in the title and the text.
    const found = await t.http
      .get('/inbox')
      .query({ q: 'brulee' })
      .set('Authorization', `Bearer ${t.tokenFor(buyer)}`)
      .expect(200);
    expect(found.body.items.map((item: { subject: string }) => item.subject)).toEqual([
      'The seller has not replied yet: “Crème brûlée set — naïve café”',
      'Support is now handling “Crème brûlée set — naïve café”',
    ]);
  }, 60_000);
});
