import { I18n } from '../src/i18n/i18n.service.js';
import { tokenClaims } from '../src/auth/auth.service.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { runMigrations, withSchemaLock } from '../src/common/database/migrate.js';
import { sellerCalendarZoneSql } from '../src/calendar/calendar.queries.js';
import { searchVectorSql } from '../src/inbox/inbox.queries.js';
import { payloadContext, renderEmail } from '../src/notifications/templates.js';
import { startParley } from './compare.js';
import { seedSellerCalendars } from './bench-database.js';
import { freePort, startThrowawayPostgres } from '../test/support/postgres-server.js';

export interface EmailBenchOptions {
  serverUrl?: string;
  emails: number;
  log?: (line: string) => void;
}

export interface EmailBenchResult {
  parleyEmailsPerSecond: number;
  bareEmailsPerSecond: number;
  ratio: number;
  sent: number;
  /** How many of the emails were case notices (the rest broadcasts). */
  caseNotices: number;
  broadcastRecipients: number;
  broadcastSeconds: number;
}

const JWT_SECRET = randomBytes(32).toString('hex');
const FROM = 'Parley <no-reply@parley.example>';
const POOL = 'pool=true&maxConnections=5&maxMessages=1000';
const PUBLIC_URL = 'https://parley.example';

/**
 * The queue, email i to user i, by i's last digit: 0–4 a broadcast to a
 * buyer; 5 a buyer's message to a seller, 6 and 7 a reply window at risk and
 * late, to sellers (each with a calendar: its zone is looked up); 8 a
 * seller's message to a buyer who chose no zone (looked up, none found); 9 a
 * late reply window to a buyer who chose one. Each case notice has its case,
 * its message if it shows one, and its Message Center item, as Parley's
 * writers leave them. Exported for looking at CLAIM_BATCH's plan on the
 * same mix.
 */
export async function seedEmailQueue(db: pg.Client, emails: number): Promise<void> {
  await db.query(
    `INSERT INTO users (id, email, password_hash, role, display_name, time_zone, created_at, updated_at)
     SELECT md5('u' || i)::uuid, 'user' || i || '@bench.test', 'x', (CASE WHEN i % 10 BETWEEN 5 AND 7 THEN 'seller' ELSE 'buyer' END)::user_role,
            'User ' || i, CASE WHEN i % 10 = 9 THEN 'Asia/Tokyo' END, now(), now()
       FROM generate_series(0, $1 - 1) i`,
    [emails],
  );
  await seedSellerCalendars(db);
  // A case notice's case: to a seller (5–7), with buyer i − 5; to a buyer (8, 9), with seller i − 3.
  await db.query(
    `CREATE TEMP TABLE plan AS
     SELECT i, md5('u' || i)::uuid AS recipient_id, md5('case' || i)::uuid AS case_id, md5('message' || i)::uuid AS message_id,
            CASE WHEN i % 10 <= 7 THEN 'seller' ELSE 'buyer' END AS party,
            CASE WHEN i % 10 <= 7 THEN md5('u' || (i - 5))::uuid ELSE md5('u' || i)::uuid END AS buyer_id,
            CASE WHEN i % 10 <= 7 THEN md5('u' || i)::uuid ELSE md5('u' || (i - 3))::uuid END AS seller_id,
            (ARRAY['new_message', 'reply_window_at_risk', 'reply_window_late', 'new_message', 'reply_window_late'])[i % 10 - 4] AS kind,
            (ARRAY['buyer_messages', 'notices', 'notices', 'seller_messages', 'customer_service'])[i % 10 - 4] AS category
       FROM generate_series(0, $1 - 1) i WHERE i % 10 >= 5`,
    [emails],
  );
  await db.query(
    `INSERT INTO cases (id, buyer_id, seller_id, listing_ref, topic, subject, status, created_at, updated_at)
     SELECT case_id, buyer_id, seller_id, 'listing-' || i, 'question', 'Question ' || i || ' about the blue kettle', 'awaiting_buyer', now(), now() FROM plan`,
  );
  await db.query(
    `INSERT INTO messages (id, case_id, author_id, author_role, internal, body, visible_body, masked, quarantined, created_at)
     SELECT message_id, case_id, CASE party WHEN 'seller' THEN buyer_id ELSE seller_id END, (CASE party WHEN 'seller' THEN 'buyer' ELSE 'seller' END)::user_role,
            false, m.body, m.body, '{}', false, now()
       FROM plan, (VALUES ('Does it come with the lid? The photos do not show one, and I need it by Friday.')) AS m (body)
      WHERE kind = 'new_message'`,
  );
  // Due in the order of i, so that every batch the dispatcher claims has the mix.
  const dueAt = `now() - interval '10 minutes' + i * interval '10 microseconds'`;
  await db.query(
    `INSERT INTO outbox (kind, category, recipient_id, case_id, dedupe_key, payload, next_attempt_at, created_at)
     SELECT 'broadcast', 'notices', md5('u' || i)::uuid, NULL, 'bench:' || i, '{"subject":"Spring notice","body":"Our fees change on 1 May. Nothing to do for you."}', ${dueAt}, now()
       FROM generate_series(0, $1 - 1) i WHERE i % 10 < 5
     UNION ALL
     SELECT kind, category, recipient_id, case_id, 'bench:' || i,
            jsonb_build_object('caseId', case_id, 'role', party)
              || CASE WHEN kind = 'new_message' THEN jsonb_build_object('messageId', message_id)
                      ELSE jsonb_build_object('level', CASE kind WHEN 'reply_window_late' THEN 'late' ELSE 'at_risk' END,
                                              'thresholdAt', to_char((now() - interval '2 hours') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) END,
            ${dueAt}, now()
       FROM plan`,
    [emails],
  );
  await db.query(
    `INSERT INTO inbox_items (outbox_id, user_id, seq, category, kind, sender_kind, sender_id, sender_name, subject, body, case_id, message_id, created_at, search)
     SELECT o.id, o.recipient_id, 1, o.category, o.kind, CASE WHEN o.kind = 'new_message' THEN CASE p.party WHEN 'seller' THEN 'buyer' ELSE 'seller' END ELSE 'marketplace' END,
            NULL, 'Marketplace', 'A notice', 'About your case', o.case_id, CASE WHEN o.kind = 'new_message' THEN p.message_id END, o.created_at,
            ${searchVectorSql(`'A notice'`, `'Marketplace'`, `'About your case'`)}
       FROM outbox o JOIN plan p ON p.case_id = o.case_id`,
  );
  await db.query('DROP TABLE plan');
  await db.query('ANALYZE');
}

interface Queued {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  case_id: string | null;
  created_at: Date;
  email: string;
  display_name: string;
  locale: string | null;
  case_subject: string | null;
  message_body: string | null;
  item_id: string | null;
  zone: string | null;
}

/** Each queued email with what it says, as the dispatcher reads it (CLAIM_BATCH), in the order of its recipients. */
const QUEUED = `
SELECT o.id, o.kind, o.payload, o.case_id, o.created_at, u.email, u.display_name, u.locale, c.subject AS case_subject, m.visible_body AS message_body, i.id AS item_id,
       COALESCE(u.time_zone, CASE WHEN o.kind <> 'broadcast' THEN ${sellerCalendarZoneSql('o.recipient_id', 'now()')} END) AS zone
  FROM outbox o
  JOIN users u ON u.id = o.recipient_id
  LEFT JOIN cases c ON c.id = o.case_id
  LEFT JOIN messages m ON m.id = (o.payload->>'messageId')::uuid
  LEFT JOIN inbox_items i ON i.outbox_id = o.id
 ORDER BY u.email`;

async function startSink(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'bench/smtp-sink.ts')], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  return { url: `smtp://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

/**
 * 20,000 outbox rows sent by Parley's dispatcher (its own process, through
 * the job endpoint) to an SMTP server that accepts everything, and in the same
 * run a bare nodemailer loop with the same pooled transport and the same
 * messages: half broadcasts, half case notices (seedEmailQueue).
 */
export async function runEmailBench(options: EmailBenchOptions): Promise<EmailBenchResult> {
  const log = options.log ?? (() => undefined);
  const throwaway = options.serverUrl
    ? undefined
    : await startThrowawayPostgres({ shared_buffers: '512MB', synchronous_commit: 'off' });
  const serverUrl = options.serverUrl ?? throwaway!.url;
  const name = `parley_bench_${randomBytes(4).toString('hex')}`;
  const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const sink = await startSink();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    await withSchemaLock(url, runMigrations);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    await seedEmailQueue(db, options.emails);
    // What the bare loop needs for each email, read before either side runs: the bare side does no lookups.
    const queued = (await db.query(QUEUED)).rows as Queued[];
    await db.end();
    const caseNotices = queued.filter((row) => row.kind !== 'broadcast').length;
    log(
      `queued ${queued.length.toLocaleString('en-US')} emails, ${caseNotices.toLocaleString('en-US')} of them case notices`,
    );

    const parley = await startParley({
      DATABASE_URL: url,
      JWT_SECRET,
      LOG_LEVEL: 'warn',
      SMTP_URL: sink.url,
      MAIL_FROM: FROM,
      PUBLIC_URL,
    });
    let parleyRate: number;
    let sent: number;
    let broadcastRecipients = 0;
    let broadcastSeconds = 0;
    try {
      const adminId = await (async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        const id = (await client.query(`SELECT id FROM users WHERE role = 'admin'`)).rows[0].id;
        await client.end();
        return id;
      })();
      const token = new JwtService({ secret: JWT_SECRET }).sign(tokenClaims(adminId));
      // A broadcast to every user, timed, then taken back out of the queue so both sides send the same emails.
      const broadcastBegan = process.hrtime.bigint();
      const broadcastResponse = await fetch(`${parley.url}/admin/broadcasts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ category: 'promotions', subject: 'Timed broadcast', body: 'Not sent', audience: 'all' }),
      });
      broadcastSeconds = Number(process.hrtime.bigint() - broadcastBegan) / 1e9;
      const broadcast = (await broadcastResponse.json()) as { id: string; recipients: number };
      broadcastRecipients = broadcast.recipients;
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`DELETE FROM outbox WHERE payload->>'broadcastId' = $1`, [broadcast.id]);
      await cleanup.end();
      log(
        `broadcast queued for ${broadcastRecipients.toLocaleString('en-US')} recipients in ${broadcastSeconds.toFixed(2)} s`,
      );
      const began = process.hrtime.bigint();
      sent = 0;
      // The job sends up to 50 batches of 200 per run; run it until the outbox is empty.
      for (;;) {
        const response = await fetch(`${parley.url}/admin/jobs/outbox-dispatch/run`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await response.json()) as { sent: number; claimed: number };
        sent += body.sent;
        if (body.claimed === 0 || sent >= options.emails) break;
      }
      parleyRate = sent / (Number(process.hrtime.bigint() - began) / 1e9);
      log(`parley dispatcher: ${Math.round(parleyRate)} emails/s`);
    } finally {
      await parley.stop();
    }

    const transport = nodemailer.createTransport(`${sink.url}?${POOL}`);
    const i18n = I18n.standalone();
    const began = process.hrtime.bigint();
    // The same messages as the dispatcher's (its compose): every category in the mix is one nobody can unsubscribe from.
    await Promise.all(
      queued.map((row, i) => {
        const email = renderEmail({
          ...payloadContext(row.kind, row.payload, row.created_at),
          // The reader's language, looked up as the dispatcher does.
          i18n: i18n.for(row.locale),
          recipientName: row.display_name,
          readerZone: row.zone,
          caseId: row.case_id,
          caseSubject: row.case_subject,
          caseUrl: row.case_id ? `${PUBLIC_URL}/app/cases/${row.case_id}` : null,
          claimUrl: null,
          itemUrl: row.item_id ? `${PUBLIC_URL}/app/inbox/${row.item_id}` : null,
          messageExcerpt: row.message_body ? row.message_body.slice(0, 500) : null,
          unsubscribeUrl: null,
        });
        return transport.sendMail({
          from: FROM,
          to: row.email,
          ...email,
          messageId: `<bare-${i}@parley.example>`,
          headers: { 'X-Parley-Outbox-Id': row.id, 'X-Parley-Kind': row.kind },
        });
      }),
    );
    const bareRate = queued.length / (Number(process.hrtime.bigint() - began) / 1e9);
    transport.close();
    log(`bare nodemailer loop: ${Math.round(bareRate)} emails/s`);
    return {
      parleyEmailsPerSecond: parleyRate,
      bareEmailsPerSecond: bareRate,
      ratio: parleyRate / bareRate,
      sent,
      caseNotices,
      broadcastRecipients,
      broadcastSeconds,
    };
  } finally {
    sink.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await throwaway?.stop();
  }
}
