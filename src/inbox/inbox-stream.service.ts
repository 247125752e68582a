import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { problem } from '../common/problem.filter.js';
import { DatabaseEvents } from '../common/database/database-events.js';
import { BroadcastDelivery } from '../notifications/broadcast-delivery.service.js';
import { countsOf, ItemRow, toItemView } from './inbox.service.js';
import { INBOX_CHANNEL } from './inbox.queries.js';

const HEARTBEAT_MS = 15_000;
const CATCH_UP_BATCH = 200;

interface Subscriber {
  userId: string;
  /** The sequence number of the last item sent: what the stream resumes after. */
  lastSeq: number;
  response: ServerResponse;
  /** One refresh at a time per stream, so items go out once and in order. */
  pumping: Promise<void>;
}

/**
 * Live Message Center updates over Server-Sent Events (docs/inbox.md). Every
 * delivery, bulk change or report NOTIFYs `parley_inbox` with the user's id
 * (a broadcast with `*`) in its own transaction, so each instance hears of
 * every change on its one LISTEN connection (DatabaseEvents) once it commits; it then sends
 * each open stream of that user the items after the last one the stream has
 * (`id:` is the item's per-user sequence number, so a client reconnecting
 * with `Last-Event-ID` gets exactly what it missed) and the new counts.
 */
@Injectable()
export class InboxStreamService implements OnApplicationShutdown {
  private readonly logger = new Logger('InboxStream');
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private listening: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: DatabaseEvents,
    private readonly broadcasts: BroadcastDelivery,
  ) {}

  /** Opens a stream for `userId` on `response`; `lastEventId` resumes after that item, otherwise only what comes next is sent. */
  async open(userId: string, response: ServerResponse, lastEventId: string | undefined): Promise<void> {
    await this.listen();
    await this.broadcasts.deliver(userId);
    const resumeAfter = lastEventId !== undefined && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : undefined;
    const counters = await this.counters(userId);
    const subscriber: Subscriber = { userId, lastSeq: resumeAfter ?? Number(counters?.seq ?? 0), response, pumping: Promise.resolve() };
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write(`retry: 2000\n\n`);
    let users = this.subscribers.get(userId);
    if (!users) this.subscribers.set(userId, (users = new Set()));
    users.add(subscriber);
    const heartbeat = setInterval(() => response.write(`: ping\n\n`), HEARTBEAT_MS);
    heartbeat.unref();
    response.on('close', () => {
      clearInterval(heartbeat);
      users.delete(subscriber);
      if (users.size === 0) this.subscribers.delete(userId);
    });
    this.refresh(subscriber);
  }

  /** Answers a request with the caller's stream (the API's and the portal's route alike); a stream that cannot open is a 503. */
  async serve(userId: string, reply: FastifyReply, lastEventId: string | undefined): Promise<void> {
    reply.hijack();
    try {
      await this.open(userId, reply.raw, lastEventId);
    } catch (error) {
      // The response is the stream's now, so no exception filter can answer: say it here.
      if (reply.raw.headersSent) return void reply.raw.end();
      const body = problem(503, 'Live updates are unavailable right now; try again shortly');
      reply.raw.writeHead(503, { 'Content-Type': 'application/problem+json; charset=utf-8', 'Retry-After': '5' }).end(JSON.stringify(body));
      this.logger.warn({ err: error }, 'A live update stream could not be opened');
    }
  }

  onApplicationShutdown(): void {
    for (const users of this.subscribers.values()) for (const subscriber of users) subscriber.response.end();
    this.subscribers.clear();
  }

  private refresh(subscriber: Subscriber): void {
    subscriber.pumping = subscriber.pumping.then(() => this.pump(subscriber)).catch((error: unknown) => this.logger.warn({ err: error }, 'A live update could not be sent'));
  }

  /** Sends the items after the stream's last one, then the counts. */
  private async pump(subscriber: Subscriber): Promise<void> {
    if (subscriber.response.writableEnded) return;
    await this.broadcasts.deliver(subscriber.userId);
    for (;;) {
      const rows: ItemRow[] = await this.db.query(
        `SELECT i.id, i.seq, i.category, i.sender_kind, i.sender_id, i.sender_name, i.subject, left(i.body, 200) AS snippet, i.case_id, i.order_id, i.claim_id, i.created_at, i.read_at, i.deleted_at
           FROM inbox_items i WHERE i.user_id = $1 AND i.seq > $2 AND i.hidden_at IS NULL ORDER BY i.seq LIMIT $3`,
        [subscriber.userId, subscriber.lastSeq, CATCH_UP_BATCH],
      );
      for (const row of rows) {
        subscriber.response.write(`id: ${row.seq}\nevent: item\ndata: ${JSON.stringify(toItemView(row))}\n\n`);
        subscriber.lastSeq = Number(row.seq);
      }
      if (rows.length < CATCH_UP_BATCH) break;
    }
    subscriber.response.write(`event: counts\ndata: ${JSON.stringify(countsOf(await this.counters(subscriber.userId)))}\n\n`);
  }

  private async counters(userId: string): Promise<Record<string, number | string> | undefined> {
    const rows: Record<string, number | string>[] = await this.db.query(`SELECT * FROM inbox_counters WHERE user_id = $1`, [userId]);
    return rows[0];
  }

  /** Subscribes to the instance's LISTEN connection once; after it reconnects every stream catches up (notifications may have been missed). */
  private listen(): Promise<void> {
    this.listening ??= this.events.subscribe(INBOX_CHANNEL, {
      message: (payload) => {
        const targets = payload === '*' ? [...this.subscribers.values()] : [this.subscribers.get(payload)].filter((set) => set !== undefined);
        for (const users of targets) for (const subscriber of users) this.refresh(subscriber);
      },
      reset: () => {
        for (const users of this.subscribers.values()) for (const subscriber of users) this.refresh(subscriber);
      },
    });
    return this.listening;
  }
}
