import pg from 'pg';
import { startTestApp, TestApp } from './support/app.js';
import { createUser, openCase, TestUser } from './support/factories.js';

/**
 * The message path's round trips (docs/performance.md): one statement that
 * counts the post and reads the case, one guarded statement that writes it
 * all; and what happens when the case changes in between.
 */
describe('posting a message: two statements, and correct under contention', () => {
  let t: TestApp;
  let buyer: TestUser;
  let seller: TestUser;
  let agent: TestUser;
  // One token per user, so that its session is checked once and then known (the session cache), as for a signed-in user.
  const tokens = new Map<string, string>();
  const as = (user: TestUser) => `Bearer ${tokens.get(user.id) ?? tokens.set(user.id, t.tokenFor(user)).get(user.id)!}`;
  const post = (user: TestUser, caseId: string, body: string, extra: Record<string, unknown> = {}) =>
    t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(user))
      .send({ body, ...extra });

  /** The statements the application sends to PostgreSQL while `work` runs (every pg client of this process). */
  async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
    const sent: string[] = [];
    const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = Reflect.get<typeof prototype, 'query'>(prototype, 'query');
    prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const first = args[0];
      sent.push(typeof first === 'string' ? first : ((first as { text?: string })?.text ?? ''));
      return original.apply(this, args);
    };
    try {
      await work();
    } finally {
      prototype.query = original;
    }
    return sent.map((text) => text.trim().split(/\s+/).slice(0, 3).join(' '));
  }

  beforeAll(async () => {
    t = await startTestApp();
    buyer = await createUser(t.sql, 'buyer');
    seller = await createUser(t.sql, 'seller', { timeZone: 'America/Los_Angeles', country: 'US', subdivision: 'CA' });
    agent = await createUser(t.sql, 'agent');
    t.clock.set('2026-03-02T18:00:00Z');
  });
  afterAll(() => t.close());

  it("a seller's reply is one read (with the post counted) and one write, and the write did every row change", async () => {
    t.clock.set('2026-03-02T18:00:00Z');
    const caseId = await openCase(t, buyer, seller.id);
    await post(seller, await openCase(t, buyer, seller.id), 'Warming up.').expect(201); // sessions and calendars cached
    t.clock.set('2026-03-02T19:00:00Z');
    const unreadBefore =
      (await t.sql.query(`SELECT unread_seller_messages AS n FROM inbox_counters WHERE user_id = $1`, [buyer.id]))
        .rows[0]?.n ?? 0;
    let reply!: { body: { id: string } };
    const statements = await statementsDuring(
      async () => (reply = await post(seller, caseId, 'Yes, it fits.').expect(201)),
    );
    expect(statements).toEqual(['WITH counted AS', 'WITH write_guard AS']);

    const { rows } = await t.sql.query(
      `SELECT (SELECT count(*) FROM messages WHERE id = $1)::int AS messages,
              (SELECT array_agg(type ORDER BY id) FROM case_events WHERE case_id = $2 AND at = '2026-03-02T19:00:00Z') AS events,
              (SELECT count(*) FROM outbox WHERE dedupe_key = $1 || ':new_message:buyer')::int AS emails,
              (SELECT count(*) FROM inbox_items WHERE message_id = $1 AND user_id = $3 AND category = 'seller_messages')::int AS items,
              (SELECT unread_seller_messages FROM inbox_counters WHERE user_id = $3) AS unread,
              (SELECT outcome || ':' || response_business_minutes FROM reply_cycles WHERE case_id = $2) AS cycle,
              (SELECT status || ':' || (cycle_id IS NULL) FROM cases WHERE id = $2) AS "case"`,
      [reply.body.id, caseId, buyer.id],
    );
    expect(rows[0]).toEqual({
      messages: 1,
      events: ['message_posted', 'reply_cycle_closed', 'status_changed'],
      emails: 1,
      items: 1,
      unread: unreadBefore + 1,
      cycle: 'answered:60',
      case: 'awaiting_buyer:true',
    });
  });

  it('the post counts against the limit in that same read: past it, 429 and nothing written', async () => {
    const caseId = await openCase(t, buyer, seller.id);
    await t.sql.query(
      `INSERT INTO rate_limits (key, count, window_ends) VALUES ($1, 1000000, now() + interval '1 minute') ON CONFLICT (key) DO UPDATE SET count = 1000000`,
      [`post:${seller.id}`],
    );
    try {
      const refused = await post(seller, caseId, 'One too many.').expect(429);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect(
        (await t.sql.query(`SELECT count(*)::int AS n FROM messages WHERE case_id = $1`, [caseId])).rows[0].n,
      ).toBe(1);
    } finally {
      await t.sql.query(`DELETE FROM rate_limits WHERE key = $1`, [`post:${seller.id}`]);
    }
  });

  it('twenty messages at once on one case from both parties: every one stored once with its rows, and the reply cycles tell one consistent story', async () => {
    const caseId = await openCase(t, buyer, seller.id);
    const authors = Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? seller : buyer));
    const responses = await Promise.all(authors.map((author, index) => post(author, caseId, `Message ${index}`)));
    expect(responses.map((response) => response.status)).toEqual(authors.map(() => 201));

    const { rows } = await t.sql.query(
      `SELECT (SELECT count(*) FROM messages WHERE case_id = $1)::int AS messages,
              (SELECT count(*) FROM case_events WHERE case_id = $1 AND type = 'message_posted')::int AS posted,
              (SELECT count(*) FROM inbox_items WHERE case_id = $1)::int AS items,
              (SELECT count(*) FROM reply_cycles WHERE case_id = $1)::int AS cycles,
              (SELECT count(*) FROM reply_cycles WHERE case_id = $1 AND closed_at IS NULL)::int AS open_cycles,
              (SELECT count(*) FROM case_events WHERE case_id = $1 AND type = 'reply_cycle_opened')::int AS opened_events,
              (SELECT count(*) FROM case_events WHERE case_id = $1 AND type = 'reply_cycle_closed')::int AS closed_events,
              (SELECT array_agg(seq ORDER BY seq) = array_agg(n ORDER BY n) FROM (SELECT seq, row_number() OVER (ORDER BY seq)::int AS n FROM reply_cycles WHERE case_id = $1) s) AS seqs_dense,
              (SELECT cycle_id FROM cases WHERE id = $1) AS case_cycle,
              (SELECT id FROM reply_cycles WHERE case_id = $1 AND closed_at IS NULL) AS open_cycle,
              (SELECT status FROM cases WHERE id = $1) AS status`,
      [caseId],
    );
    const story = rows[0];
    expect(story).toMatchObject({ messages: 21, posted: 21, items: 21, seqs_dense: true });
    expect(story.opened_events).toBe(story.cycles);
    expect(story.closed_events).toBe(story.cycles - story.open_cycles);
    expect(story.open_cycles).toBeLessThanOrEqual(1);
    // The case points at its open cycle, and whose turn it is agrees with it.
    expect(story.case_cycle).toBe(story.open_cycle);
    expect(story.status).toBe(story.open_cycle ? 'awaiting_seller' : 'awaiting_buyer');
  });

  it('when support waits on the seller, the reply takes the locked path and resumes the support clock', async () => {
    t.clock.set('2026-03-02T18:00:00Z');
    const caseId = await openCase(t, buyer, seller.id);
    const { rows } = await t.sql.query(
      `INSERT INTO escalations (case_id, reason, priority, status, assignee_id, due_at, created_at, updated_at, waiting_on)
       VALUES ($1, 'buyer_request', 'normal', 'assigned', $2, '2026-03-05T18:00:00Z', '2026-03-02T18:00:00Z', '2026-03-02T18:00:00Z', 'seller') RETURNING id`,
      [caseId, agent.id],
    );
    await t.sql.query(
      `INSERT INTO escalation_pauses (escalation_id, waiting_on, from_at) VALUES ($1, 'seller', '2026-03-02T18:30:00Z')`,
      [rows[0].id],
    );
    t.clock.set('2026-03-02T20:00:00Z');
    const statements = await statementsDuring(() => post(seller, caseId, 'Here is the tracking number.').expect(201));
    expect(statements).toContain('START TRANSACTION');
    const escalation = (await t.sql.query(`SELECT waiting_on FROM escalations WHERE id = $1`, [rows[0].id])).rows[0];
    expect(escalation.waiting_on).toBeNull();
    const resumed = await t.sql.query(
      `SELECT count(*)::int AS n FROM case_events WHERE case_id = $1 AND type = 'escalation_resumed'`,
      [caseId],
    );
    expect(resumed.rows[0].n).toBe(1);
  });
});
