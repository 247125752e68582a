import { tokenClaims } from '../src/auth/auth.service.js';
import { replyWindowPolicyAt } from '../config/policies.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { runMigrations, withSchemaLock } from '../src/common/database/migrate.js';
import { renderEmail } from '../src/notifications/templates.js';
import { startProcess } from '../test/support/parley-process.js';
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
  broadcastRecipients: number;
  broadcastSeconds: number;
}

const JWT_SECRET = randomBytes(32).toString('hex');
const FROM = 'Parley <no-reply@parley.example>';
const POOL = 'pool=true&maxConnections=5&maxMessages=1000';

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
 * messages.
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
    await db.query(
      `INSERT INTO users (id, email, password_hash, role, display_name, created_at, updated_at)
                    SELECT md5('u' || i)::uuid, 'user' || i || '@bench.test', 'x', 'buyer', 'User ' || i, now(), now() FROM generate_series(1, $1) i`,
      [options.emails],
    );
    await db.query(`INSERT INTO outbox (kind, category, recipient_id, dedupe_key, payload, next_attempt_at, created_at)
                    SELECT 'broadcast', 'notices', id, 'bench:' || id, '{"subject":"Spring notice","body":"Our fees change on 1 May. Nothing to do for you."}', now() - interval '1 minute', now()
                      FROM users WHERE role = 'buyer'`);
    const recipients = (await db.query(`SELECT email, display_name FROM users WHERE role = 'buyer' ORDER BY email`))
      .rows as { email: string; display_name: string }[];
    await db.end();
    log(`queued ${options.emails.toLocaleString('en-US')} emails`);

    const parley = await startProcess({
      DATABASE_URL: url,
      JWT_SECRET,
      LOG_LEVEL: 'warn',
      SCHEDULER_ENABLED: 'false',
      SMTP_URL: sink.url,
      MAIL_FROM: FROM,
      ADMIN_EMAIL: 'bench-admin@bench.test',
      ADMIN_PASSWORD: randomBytes(12).toString('hex'),
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
    const began = process.hrtime.bigint();
    await Promise.all(
      recipients.map((recipient, i) => {
        const email = renderEmail({
          kind: 'broadcast',
          role: 'buyer',
          recipientName: recipient.display_name,
          broadcastSubject: 'Spring notice',
          broadcastBody: 'Our fees change on 1 May. Nothing to do for you.',
          replyWindow: replyWindowPolicyAt(new Date()),
        });
        return transport.sendMail({
          from: FROM,
          to: recipient.email,
          ...email,
          messageId: `<bare-${i}@parley.example>`,
        });
      }),
    );
    const bareRate = recipients.length / (Number(process.hrtime.bigint() - began) / 1e9);
    transport.close();
    log(`bare nodemailer loop: ${Math.round(bareRate)} emails/s`);
    return {
      parleyEmailsPerSecond: parleyRate,
      bareEmailsPerSecond: bareRate,
      ratio: parleyRate / bareRate,
      sent,
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
