import { readdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxDispatcherService } from '../src/notifications/outbox-dispatcher.service.js';
import { signUnsubscribeToken } from '../src/notifications/unsubscribe-token.js';
import { startTestApp, TestApp, TEST_JWT_SECRET } from './support/app.js';
import { createUser, TestUser } from './support/factories.js';
import { TestSmtpServer } from './support/smtp.js';

describe('email through the outbox', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let admin: TestUser;
  let buyer: TestUser;
  let seller: TestUser;
  let agent: TestUser;
  const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
  const dispatch = async () =>
    (await t.http.post('/admin/jobs/outbox-dispatch/run').set('Authorization', as(admin)).expect(200)).body;
  const mailTo = (user: TestUser) => smtp.received.filter((mail) => mail.envelopeTo.includes(user.email));
  const status = async () =>
    (await t.sql.query(`SELECT status, count(*)::int AS n FROM outbox GROUP BY status ORDER BY status`)).rows;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({
      env: {
        SMTP_URL: smtp.url,
        PUBLIC_URL: 'https://parley.example',
        MAIL_FROM: 'Parley <no-reply@parley.example>',
        POST_RATE_LIMIT_PER_MINUTE: '1000',
        EMAIL_MAX_ATTEMPTS: '3',
      },
    });
    admin = await createUser(t.sql, 'admin');
    buyer = await createUser(t.sql, 'buyer');
    seller = await createUser(t.sql, 'seller');
    agent = await createUser(t.sql, 'agent');
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });
  // Each test starts from an empty queue and a willing SMTP server, whatever ran before it.
  beforeEach(async () => {
    await t.sql.query('DELETE FROM outbox');
    smtp.refusing = false;
  });

  it('sends each notice kind once, with a text and an HTML part, a stable Message-ID and a link to the case', async () => {
    // Parties of this test's own, so broadcasts from other tests never reach their mailboxes.
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    t.clock.set('2026-03-02T18:00:00Z');
    const opened = await t.http
      .post('/cases')
      .set('Authorization', as(buyer))
      .send({
        sellerId: seller.id,
        listingRef: 'l-1',
        topic: 'question',
        subject: 'Is the <b>blue</b> one in stock?',
        body: 'Hello <script>alert(1)</script> & thanks',
      })
      .expect(201);
    const caseId = opened.body.id;
    await dispatch();
    const [question] = mailTo(seller);
    expect(question.parsed.subject).toBe('New question from a buyer: “Is the <b>blue</b> one in stock?”');
    expect(question.parsed.text).toContain('Hello <script>alert(1)</script> & thanks');
    expect(question.parsed.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; thanks');
    expect(question.parsed.html).not.toContain('<script>');
    expect(question.parsed.text).toContain(`https://parley.example/app/cases/${caseId}`);
    expect(question.parsed.from?.value).toEqual([{ address: 'no-reply@parley.example', name: 'Parley' }]);
    const [row] = (
      await t.sql.query(`SELECT id, status, sent_at FROM outbox WHERE case_id = $1 AND kind = 'case_opened'`, [caseId])
    ).rows;
    expect(question.parsed.messageId).toBe(`<outbox-${row.id}@parley.example>`);
    expect(row).toMatchObject({ status: 'sent', sent_at: new Date('2026-03-02T18:00:00Z') });
    // Transactional mail carries no unsubscribe header.
    expect(question.parsed.headers.has('list-unsubscribe')).toBe(false);
    // The email and the seller's Message Center item are one notice: the email links to the item.
    const [item] = (
      await t.sql.query(`SELECT id FROM inbox_items WHERE outbox_id = $1 AND user_id = $2`, [row.id, seller.id])
    ).rows;
    expect(question.parsed.text).toContain(`In your Message Center: https://parley.example/app/inbox/${item.id}`);
    expect(question.parsed.html).toContain(`href="https://parley.example/app/inbox/${item.id}"`);

    await t.http
      .post(`/cases/${caseId}/messages`)
      .set('Authorization', as(seller))
      .send({ body: 'Yes, call me on +1 415 555 0132' })
      .expect(201);
    await t.http.post(`/cases/${caseId}/messages`).set('Authorization', as(buyer)).send({ body: 'Great' }).expect(201);
    for (const [at, expected] of [
      ['2026-03-04T18:00:00Z', 2],
      ['2026-03-05T18:00:00Z', 3],
      ['2026-03-06T18:00:00Z', 4],
    ] as const) {
      t.clock.set(at);
      await t.http.post('/admin/jobs/sla-sweep/run').set('Authorization', as(admin)).expect(200);
      await dispatch();
      expect(mailTo(seller).length).toBeGreaterThanOrEqual(expected);
    }
    const [escalation] = (await t.sql.query('SELECT id FROM escalations WHERE case_id = $1', [caseId])).rows;
    await t.http
      .post(`/escalations/${escalation.id}/resolve`)
      .set('Authorization', as(agent))
      .send({ outcome: 'answered_by_support' })
      .expect(200);
    expect(await dispatch()).toMatchObject({ sent: 2, retried: 0, failed: 0 });
    expect(await dispatch()).toMatchObject({ claimed: 0 });

    const subjects = (user: TestUser) => mailTo(user).map((mail) => mail.parsed.subject);
    expect(subjects(buyer)).toEqual([
      'New message about “Is the <b>blue</b> one in stock?”',
      'The seller has not replied yet: “Is the <b>blue</b> one in stock?”',
      'Support is now handling “Is the <b>blue</b> one in stock?”',
      'Support finished with “Is the <b>blue</b> one in stock?”',
    ]);
    expect(subjects(seller)).toEqual([
      'New question from a buyer: “Is the <b>blue</b> one in stock?”',
      'New message about “Is the <b>blue</b> one in stock?”',
      'Reply soon: “Is the <b>blue</b> one in stock?” has waited 1 business day',
      'Your reply is late: “Is the <b>blue</b> one in stock?”',
      'Support is now handling “Is the <b>blue</b> one in stock?”',
      'Support finished with “Is the <b>blue</b> one in stock?”',
    ]);
    // The buyer's copy of the seller's message is the masked one.
    expect(mailTo(buyer)[0].parsed.text).toContain('[phone removed]');
    expect(mailTo(buyer)[0].parsed.text).not.toContain('555 0132');
    for (const mail of smtp.received) {
      expect(mail.parsed.html).toMatch(/^<!doctype html>/);
      expect(mail.parsed.text!.length).toBeGreaterThan(20);
    }
    expect([...smtp.byMessageId().values()].every((n) => n === 1)).toBe(true);
  });

  it('neutralises header injection in stored text', async () => {
    // Data the API would refuse (it takes one-line subjects), written straight to the database.
    const [{ id: caseId }] = (
      await t.sql.query(
        `INSERT INTO cases (buyer_id, seller_id, listing_ref, topic, subject, status, created_at, updated_at)
         VALUES ($1, $2, 'l', 'question', E'Hi\\r\\nBcc: evil@example.com\\r\\nX-Evil: 1', 'awaiting_buyer', now(), now()) RETURNING id`,
        [buyer.id, seller.id],
      )
    ).rows;
    await t.sql.query(`UPDATE users SET display_name = E'Mallory\\r\\nBcc: evil@example.com' WHERE id = $1`, [
      buyer.id,
    ]);
    await t.sql.query(
      `INSERT INTO outbox (kind, category, recipient_id, case_id, dedupe_key, payload, next_attempt_at, created_at)
       VALUES ('escalation_resolved', 'customer_service', $1, $2, 'injection', '{"role":"buyer"}', '2000-01-01', '2000-01-01')`,
      [buyer.id, caseId],
    );
    const before = smtp.received.length;
    await dispatch();
    const mail = smtp.received[before];
    expect(mail.envelopeTo).toEqual([buyer.email]);
    expect(mail.parsed.headers.has('x-evil')).toBe(false);
    expect(mail.parsed.bcc).toBeUndefined();
    // No header line of its own (the body may wrap anywhere: a line of it is no header).
    expect(mail.raw.split(/\r?\n\r?\n/)[0]).not.toMatch(/^Bcc:/im);
    expect(mail.parsed.subject).toBe('Support finished with “Hi Bcc: evil@example.com X-Evil: 1”');
    await t.sql.query(`UPDATE users SET display_name = 'Test buyer' WHERE id = $1`, [buyer.id]);
  });

  it('keeps preferences per category; locked categories cannot be switched off', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const seller = await createUser(t.sql, 'seller');
    const prefs = await t.http.get('/me/email-preferences').set('Authorization', as(buyer)).expect(200);
    expect(prefs.body.categories).toEqual({
      order_updates: { email: true, locked: false },
      seller_messages: { email: true, locked: true },
      buyer_messages: { email: true, locked: true },
      customer_service: { email: true, locked: true },
      promotions: { email: true, locked: false },
      notices: { email: true, locked: true },
    });
    const off = await t.http
      .put('/me/email-preferences')
      .set('Authorization', as(buyer))
      .send({ categories: { promotions: { email: false } } })
      .expect(200);
    expect(off.body.categories.promotions).toEqual({ email: false, locked: false });
    const locked = await t.http
      .put('/me/email-preferences')
      .set('Authorization', as(buyer))
      .send({ categories: { seller_messages: { email: false } } })
      .expect(400);
    expect(locked.body.errors).toEqual([
      { field: 'categories.seller_messages.email', message: expect.stringContaining('cannot be switched off') },
    ]);
    await t.http
      .put('/me/email-preferences')
      .set('Authorization', as(buyer))
      .send({ categories: { spam: { email: false } } })
      .expect(400);
    await t.http
      .put('/me/email-preferences')
      .set('Authorization', as(buyer))
      .send({ categories: { promotions: { email: 'no' } } })
      .expect(400);
    await t.http.get('/me/email-preferences').expect(401);

    const promo = await t.http
      .post('/admin/broadcasts')
      .set('Authorization', as(admin))
      .send({ category: 'promotions', subject: 'Spring sale', body: '20 % off', audience: 'all' })
      .expect(201);
    // Everyone has it in the Message Center; by email, everyone but those who switched promotions off (this buyer, and anyone another test unsubscribed).
    const accepting = `SELECT count(*)::int AS n FROM users u WHERE NOT EXISTS (SELECT 1 FROM email_preferences p WHERE p.user_id = u.id AND p.category = 'promotions' AND NOT p.email)`;
    expect(promo.body.recipients).toBe(
      Number((await t.sql.query(`SELECT count(*)::int AS n FROM users WHERE disabled_at IS NULL`)).rows[0].n),
    );
    expect(promo.body.emails).toBe(Number((await t.sql.query(accepting)).rows[0].n));
    // Each item is made when its user next looks (docs/inbox.md, "Broadcasts").
    const promoItems = () =>
      t.sql.query(
        `SELECT count(*)::int AS n FROM inbox_items WHERE kind = 'broadcast' AND subject = 'Spring sale' AND user_id = $1`,
        [buyer.id],
      );
    expect((await promoItems()).rows[0].n).toBe(0);
    expect(
      (await t.http.get('/inbox?category=promotions').set('Authorization', as(buyer)).expect(200)).body.items.map(
        (item: { subject: string }) => item.subject,
      ),
    ).toEqual(['Spring sale']);
    expect((await promoItems()).rows[0].n).toBe(1);
    const notice = await t.http
      .post('/admin/broadcasts')
      .set('Authorization', as(admin))
      .send({ category: 'notices', subject: 'New fees', body: 'From May on…', audience: 'buyers' })
      .expect(201);
    expect(notice.body.recipients).toBe(
      Number((await t.sql.query(`SELECT count(*)::int AS n FROM users WHERE role = 'buyer'`)).rows[0].n),
    );
    const before = smtp.received.length;
    await dispatch();
    const sent = smtp.received.slice(before);
    expect(sent.filter((mail) => mail.envelopeTo.includes(buyer.email)).map((mail) => mail.parsed.subject)).toEqual([
      'New fees',
    ]);
    const sellerMail = sent.filter((mail) => mail.envelopeTo.includes(seller.email));
    expect(sellerMail.map((mail) => mail.parsed.subject)).toEqual(['Spring sale']);
    // The email links to the seller's item before the seller has looked; following it makes and shows that item.
    const itemId = /app\/inbox\/([0-9a-f-]{36})/.exec(String(sellerMail[0].parsed.text))![1];
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM inbox_items WHERE id = $1`, [itemId])).rows[0].n).toBe(0);
    expect((await t.http.get(`/inbox/${itemId}`).set('Authorization', as(seller)).expect(200)).body).toMatchObject({
      id: itemId,
      subject: 'Spring sale',
      category: 'promotions',
    });
    await t.http
      .post('/admin/broadcasts')
      .set('Authorization', as(admin))
      .send({ category: 'promotions', subject: 'x\r\nBcc: y', body: 'b', audience: 'all' })
      .expect(400);
    await t.http
      .post('/admin/broadcasts')
      .set('Authorization', as(buyer))
      .send({ category: 'notices', subject: 's', body: 'b', audience: 'all' })
      .expect(403);
  });

  it('refuses built-in property names as email-preference categories', async () => {
    const response = await t.http
      .put('/me/email-preferences')
      .set('Authorization', as(buyer))
      .set('Content-Type', 'application/json')
      .send('{"categories":{"constructor":{"email":false}}}')
      .expect(400);
    expect(response.body.errors[0].field).toBe('categories.constructor');
    await t.http
      .put('/me/email-preferences')
      .set('Authorization', as(buyer))
      .send({ categories: { toString: { email: false } } })
      .expect(400);
  });

  it('unsubscribes with one click (RFC 8058): no login, no redirect, idempotent; GET only shows a page', async () => {
    const seller = await createUser(t.sql, 'seller');
    await t.http
      .post('/admin/broadcasts')
      .set('Authorization', as(admin))
      .send({ category: 'promotions', subject: 'Spring sale', body: '20 % off', audience: 'sellers' })
      .expect(201);
    await dispatch();
    const [promo] = mailTo(seller).filter((mail) => mail.parsed.subject === 'Spring sale');
    const unfolded = promo.raw.replace(/\r?\n[ \t]+/g, '');
    expect(unfolded).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    const header = unfolded.match(/^List-Unsubscribe: ?<([^>]+)>/m)![1];
    expect(header).toMatch(/^https:\/\/parley\.example\/unsubscribe\?token=/);
    expect(promo.parsed.text).toContain(header);
    const path = header.replace('https://parley.example', '');

    const page = await t.http.get(path).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('Unsubscribe');
    expect(
      (await t.http.get('/me/email-preferences').set('Authorization', as(seller))).body.categories.promotions.email,
    ).toBe(true);

    for (let i = 0; i < 2; i++) {
      const response = await t.http.post(path).type('form').send('List-Unsubscribe=One-Click');
      expect(response.status).toBe(200);
      expect(response.headers.location).toBeUndefined();
      expect(response.body).toEqual({ unsubscribed: true, category: 'promotions' });
    }
    expect(
      (await t.http.get('/me/email-preferences').set('Authorization', as(seller))).body.categories.promotions.email,
    ).toBe(false);

    const forged = signUnsubscribeToken('some other secret', { userId: seller.id, category: 'promotions' }, new Date());
    await t.http.post(`/unsubscribe?token=${forged}`).type('form').send('List-Unsubscribe=One-Click').expect(400);
    const expired = signUnsubscribeToken(
      TEST_JWT_SECRET,
      { userId: seller.id, category: 'promotions' },
      new Date('2020-01-01T00:00:00Z'),
    );
    await t.http.post(`/unsubscribe?token=${expired}`).type('form').send('List-Unsubscribe=One-Click').expect(400);
    const tampered = path.replace(/token=(.)/, (_, c) => `token=${c === 'A' ? 'B' : 'A'}`);
    await t.http.post(tampered).type('form').send('List-Unsubscribe=One-Click').expect(400);
    await t.http.get('/unsubscribe').expect(400);
  });

  it('retries with backoff while the SMTP server refuses, then sends each email exactly once', async () => {
    await t.http
      .post('/admin/broadcasts')
      .set('Authorization', as(admin))
      .send({ category: 'notices', subject: 'Maintenance', body: 'Sunday night', audience: 'sellers' })
      .expect(201);
    smtp.refusing = true;
    const first = await dispatch();
    expect(first).toMatchObject({ sent: 0, retried: first.claimed });
    const { rows } = await t.sql.query(
      `SELECT attempts, next_attempt_at, last_error FROM outbox WHERE status = 'pending' AND payload->>'subject' = 'Maintenance'`,
    );
    expect(rows.length).toBe(first.claimed);
    for (const row of rows) {
      expect(row.attempts).toBe(1);
      expect(row.next_attempt_at.getTime()).toBeGreaterThan(
        (await t.app.get(OutboxDispatcherService)['clock'].now()).getTime(),
      );
      expect(row.last_error).toMatch(/451/);
    }
    expect(await dispatch()).toMatchObject({ claimed: 0 });
    smtp.refusing = false;
    t.clock.advance(3_600_000);
    expect(await dispatch()).toMatchObject({ sent: first.claimed, retried: 0 });
    expect(await status()).not.toContainEqual(expect.objectContaining({ status: 'pending' }));
    expect([...smtp.byMessageId().values()].every((n) => n === 1)).toBe(true);
  });

  it('marks an email failed after the last attempt, lists it for admins, and retries it on request', async () => {
    await t.http
      .post('/admin/broadcasts')
      .set('Authorization', as(admin))
      .send({ category: 'notices', subject: 'Doomed', body: 'b', audience: 'sellers' })
      .expect(201);
    smtp.refusing = true;
    for (let attempt = 0; attempt < 3; attempt++) {
      await dispatch();
      t.clock.advance(24 * 3_600_000);
    }
    const failed = await t.http.get('/admin/outbox').set('Authorization', as(admin)).expect(200);
    expect(failed.body.length).toBeGreaterThan(0);
    expect(failed.body[0]).toMatchObject({ status: 'failed', attempts: 3, lastError: expect.stringMatching(/451/) });
    smtp.refusing = false;
    const retried = await t.http
      .post(`/admin/outbox/${failed.body[0].id}/retry`)
      .set('Authorization', as(admin))
      .expect(200);
    expect(retried.body).toMatchObject({ status: 'pending', attempts: 0 });
    await t.http.post(`/admin/outbox/${failed.body[0].id}/retry`).set('Authorization', as(admin)).expect(409);
    await t.http.post('/admin/outbox/not-a-uuid/retry').set('Authorization', as(admin)).expect(404);
    expect(await dispatch()).toMatchObject({ sent: 1 });
    await t.http.get('/admin/outbox').set('Authorization', as(seller)).expect(403);
  });

  it('retrying a failed email returns it even with more than 500 newer emails pending', async () => {
    const buyer = await createUser(t.sql, 'buyer');
    const [failed] = (
      await t.sql.query(
        `INSERT INTO outbox (kind, category, recipient_id, dedupe_key, payload, status, attempts, next_attempt_at, last_error, created_at)
         VALUES ('broadcast', 'promotions', $1, 'old-failed', '{}', 'failed', 5, $2::timestamptz, '451 Try again later', $2::timestamptz) RETURNING id`,
        [buyer.id, new Date('2026-01-01T00:00:00Z')],
      )
    ).rows;
    await t.sql.query(
      `INSERT INTO outbox (kind, category, recipient_id, dedupe_key, payload, next_attempt_at, created_at)
       SELECT 'broadcast', 'promotions', $1, 'newer-' || n, '{}', $2::timestamptz, $2::timestamptz + make_interval(secs => n) FROM generate_series(1, 501) n`,
      [buyer.id, new Date('2026-02-01T00:00:00Z')],
    );
    const retried = await t.http.post(`/admin/outbox/${failed.id}/retry`).set('Authorization', as(admin)).expect(200);
    expect(retried.body).toMatchObject({ id: failed.id, status: 'pending', attempts: 0 });
  });

  it('sends each email once with two dispatchers at the same time', async () => {
    const other = await startTestApp({
      database: t.database,
      clock: t.clock,
      env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://parley.example', MAIL_FROM: 'Parley <no-reply@parley.example>' },
    });
    try {
      for (let i = 0; i < 40; i++) await createUser(t.sql, 'buyer');
      const broadcast = await t.http
        .post('/admin/broadcasts')
        .set('Authorization', as(admin))
        .send({ category: 'notices', subject: 'Twice?', body: 'Once.', audience: 'buyers' })
        .expect(201);
      const before = smtp.received.length;
      const [one, two] = await Promise.all([
        t.app.get(OutboxDispatcherService).dispatch(),
        other.app.get(OutboxDispatcherService).dispatch(),
      ]);
      expect(one.sent + two.sent).toBe(broadcast.body.recipients);
      const sent = smtp.received.slice(before);
      expect(sent).toHaveLength(broadcast.body.recipients);
      expect(new Set(sent.map((mail) => mail.parsed.messageId)).size).toBe(broadcast.body.recipients);
    } finally {
      await other.close();
    }
  });

  it('reports outbox depth and sent and failed counts on /metrics', async () => {
    const metric = async (name: string) =>
      Number((await t.http.get('/metrics').expect(200)).text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1]);
    const sentBefore = await metric('parley_emails_sent_total');
    const failedBefore = await metric('parley_emails_failed_total');
    const broadcast = (subject: string) =>
      t.http
        .post('/admin/broadcasts')
        .set('Authorization', as(admin))
        .send({ category: 'notices', subject, body: 'b', audience: 'sellers' })
        .expect(201);
    await broadcast('Counted');
    expect(await metric('parley_outbox_depth')).toBeGreaterThan(0);
    await dispatch();
    await broadcast('Refused');
    smtp.refusing = true;
    for (let attempt = 0; attempt < 3; attempt++) {
      await dispatch();
      t.clock.advance(24 * 3_600_000);
    }
    expect(await metric('parley_outbox_depth')).toBe(0);
    expect(await metric('parley_outbox_oldest_unsent_age_seconds')).toBe(0);
    expect(await metric('parley_emails_sent_total')).toBeGreaterThan(sentBefore);
    expect(await metric('parley_emails_failed_total')).toBeGreaterThan(failedBefore);
  });
});

describe('email without an SMTP server (the embedded default)', () => {
  it('writes each email as an .eml file under DATA_DIR/mail', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-mail-'));
    const t = await startTestApp({ env: { DATA_DIR: dataDir } });
    try {
      const admin = await createUser(t.sql, 'admin');
      await createUser(t.sql, 'buyer');
      await t.http
        .post('/admin/broadcasts')
        .set('Authorization', `Bearer ${t.tokenFor(admin)}`)
        .send({ category: 'notices', subject: 'Hello', body: 'World', audience: 'buyers' })
        .expect(201);
      await t.http
        .post('/admin/jobs/outbox-dispatch/run')
        .set('Authorization', `Bearer ${t.tokenFor(admin)}`)
        .expect(200);
      const files = await readdir(join(dataDir, 'mail'));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^outbox-[0-9a-f-]+@parley\.local\.eml$/);
    } finally {
      await t.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
