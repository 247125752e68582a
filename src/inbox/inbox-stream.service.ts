import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { problem } from '../common/problem.filter.js';
import { DatabaseEvents } from '../common/database/database-events.js';
import { BroadcastDelivery } from '../notifications/broadcast-delivery.service.js';
import { countsOf, ItemRow, toItemView } from './inbox.service.js';
import { COUNTERS, INBOX_CHANNEL, inboxNoticeUsers, ITEMS_AFTER_SEQ } from './inbox.queries.js';
import { AppConfig } from '../../config/app-config.js';
import type { Caller } from '../auth/auth.decorators.js';
import { SESSIONS_CHANNEL } from '../auth/session-cache.js';

const HEARTBEAT_MS = 15_000;
const CATCH_UP_BATCH = 200;
/** Bytes a stream may hold unsent for a client that does not read; past it the stream is dropped (the client reconnects and resumes). */
export const STREAM_BUFFER_BYTES = 256 * 1024;
/** How long a stream closed for a newer one of the same user tells its client to wait before reconnecting. */
const EVICTED_RETRY_MS = 60_000;

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
 * delivery, bulk change or report NOTIFYs `parley_inbox` with the users' ids
 * (comma-separated; a broadcast with `*`) in its own transaction, so each instance hears of
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
    private readonly config: AppConfig,
  ) {}

  /**
   * Opens a stream for `userId` on `response`; `lastEventId` resumes after
   * that item (at most STREAM_REPLAY_LIMIT items back; further behind, a
   * `reload` event), otherwise only what comes next is sent. The stream ends
   * at `until` (the session's expiry) or after STREAM_MAX_LIFETIME_SECONDS,
   * whichever is first, and when the user's sessions change; the client
   * reconnects and is authenticated again. A user's oldest stream is closed
   * when one more than STREAM_MAX_PER_USER opens.
   */
  async open(userId: string, response: ServerResponse, lastEventId: string | undefined, until?: Date): Promise<void> {
    const env = this.config.env;
    // A client that leaves while the stream is being opened must not leave a subscriber behind.
    let gone = false;
    response.once('close', () => (gone = true));
    await this.listen();
    await this.broadcasts.deliver(userId);
    const resumeAfter = lastEventId !== undefined && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : undefined;
    const counters = await this.counters(userId);
    if (gone) return;
    const newest = Number(counters?.seq ?? 0);
    const tooFarBehind = resumeAfter !== undefined && newest - resumeAfter > env.STREAM_REPLAY_LIMIT;
    const subscriber: Subscriber = {
      userId,
      lastSeq: resumeAfter !== undefined && !tooFarBehind ? resumeAfter : newest,
      response,
      pumping: Promise.resolve(),
    };
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write(`retry: 2000\n\n`);
    // Too far behind to replay item by item: the client reloads its list, then follows from the newest item.
    if (tooFarBehind) response.write(`id: ${newest}\nevent: reload\ndata: {}\n\n`);
    let users = this.subscribers.get(userId);
    if (!users) this.subscribers.set(userId, (users = new Set()));
    for (const oldest of users) {
      if (users.size < env.STREAM_MAX_PER_USER) break;
      users.delete(oldest);
      // Its browser waits a minute before it comes back, so a user with more tabs than streams does not make them take turns every 2 s.
      oldest.response.end(`retry: ${EVICTED_RETRY_MS}\n\n`);
    }
    users.add(subscriber);
    const heartbeat = setInterval(() => this.send(subscriber, `: ping\n\n`), HEARTBEAT_MS);
    heartbeat.unref();
    const lifetime = Math.min(env.STREAM_MAX_LIFETIME_SECONDS * 1000, until ? until.getTime() - Date.now() : Infinity);
    const expiry = setTimeout(() => response.end(), Math.max(0, lifetime));
    expiry.unref();
    response.on('close', () => {
      clearInterval(heartbeat);
      clearTimeout(expiry);
      users.delete(subscriber);
      if (users.size === 0 && this.subscribers.get(userId) === users) this.subscribers.delete(userId);
    });
    this.refresh(subscriber);
  }

  /** Open streams on this instance, and the bytes they hold unsent (metrics and tests). */
  stats(): { streams: number; users: number; bufferedBytes: number } {
    let streams = 0;
    let bufferedBytes = 0;
    for (const users of this.subscribers.values()) {
      streams += users.size;
      for (const subscriber of users) bufferedBytes += subscriber.response.writableLength;
    }
    return { streams, users: this.subscribers.size, bufferedBytes };
  }

  /** Answers a request with the caller's stream (the API's and the portal's route alike); a stream that cannot open is a 503. */
  async serve(userId: string, reply: FastifyReply, lastEventId: string | undefined): Promise<void> {
    reply.hijack();
    try {
      // The guard left the caller on the request: the stream lasts no longer than its session.
      await this.open(userId, reply.raw, lastEventId, (reply.request as { caller?: Caller }).caller?.tokenExpiresAt);
    } catch (error) {
      // The response is the stream's now, so no exception filter can answer: say it here.
      if (reply.raw.headersSent) return void reply.raw.end();
      const body = problem(503, 'Live updates are unavailable right now; try again shortly');
      reply.raw
        .writeHead(503, { 'Content-Type': 'application/problem+json; charset=utf-8', 'Retry-After': '5' })
        .end(JSON.stringify(body));
      this.logger.warn({ err: error }, 'A live update stream could not be opened');
    }
  }

  onApplicationShutdown(): void {
    for (const users of this.subscribers.values()) for (const subscriber of users) subscriber.response.end();
    this.subscribers.clear();
  }

  private refresh(subscriber: Subscriber): void {
    subscriber.pumping = subscriber.pumping
      .then(() => this.pump(subscriber))
      .catch((error: unknown) => this.logger.warn({ err: error }, 'A live update could not be sent'));
  }

  /**
   * Writes to a stream, minding a client that does not read: past
   * STREAM_BUFFER_BYTES unsent the stream is dropped. False when it is gone.
   */
  private send(subscriber: Subscriber, text: string): boolean {
    const response = subscriber.response;
    if (response.writableEnded || response.destroyed) return false;
    response.write(text);
    if (response.writableLength <= STREAM_BUFFER_BYTES) return true;
    response.destroy();
    return false;
  }

  /** Sends the items after the stream's last one, then the counts; a batch waits until the client took the one before. */
  private async pump(subscriber: Subscriber): Promise<void> {
    const response = subscriber.response;
    if (response.writableEnded || response.destroyed) return;
    await this.broadcasts.deliver(subscriber.userId);
    for (;;) {
      if (response.writableNeedDrain) await drained(response);
      if (response.writableEnded || response.destroyed) return;
      const rows: ItemRow[] = await this.db.query(ITEMS_AFTER_SEQ, [
        subscriber.userId,
        subscriber.lastSeq,
        CATCH_UP_BATCH,
      ]);
      for (const row of rows) {
        if (!this.send(subscriber, `id: ${row.seq}\nevent: item\ndata: ${JSON.stringify(toItemView(row))}\n\n`)) return;
        subscriber.lastSeq = Number(row.seq);
      }
      if (rows.length < CATCH_UP_BATCH) break;
    }
    this.send(
      subscriber,
      `event: counts\ndata: ${JSON.stringify(countsOf(await this.counters(subscriber.userId)))}\n\n`,
    );
  }

  /** Ends every stream of a user (their sessions changed: each reconnects, and only a session that still stands gets back in). */
  private endStreams(userId: string): void {
    for (const subscriber of this.subscribers.get(userId) ?? []) subscriber.response.end();
  }

  private async counters(userId: string): Promise<Record<string, number | string> | undefined> {
    const rows: Record<string, number | string>[] = await this.db.query(COUNTERS, [userId]);
    return rows[0];
  }

  /**
   * Subscribes to the instance's LISTEN connection once: for Message Center
   * changes (after it reconnects every stream catches up: notifications may
   * have been missed) and for session changes (a logout, a new password, a
   * disabled account end the user's streams within milliseconds; after a
   * reconnect, when such a change may have been missed, every stream ends).
   */
  private listen(): Promise<void> {
    this.listening ??= Promise.all([
      this.events.subscribe(INBOX_CHANNEL, {
        message: (payload) => {
          const users = inboxNoticeUsers(payload);
          const targets =
            users === '*'
              ? [...this.subscribers.values()]
              : users.map((userId) => this.subscribers.get(userId)).filter((set) => set !== undefined);
          for (const users of targets) for (const subscriber of users) this.refresh(subscriber);
        },
        reset: () => {
          for (const users of this.subscribers.values()) for (const subscriber of users) this.refresh(subscriber);
        },
      }),
      this.events.subscribe(SESSIONS_CHANNEL, {
        message: (userId) => this.endStreams(userId),
        reset: () => {
          for (const userId of [...this.subscribers.keys()]) this.endStreams(userId);
        },
      }),
    ]).then(() => undefined);
    return this.listening;
  }
}

/** Resolves when a response can take more, or is gone. */
function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.once('drain', done);
    response.once('close', done);
  });
}
