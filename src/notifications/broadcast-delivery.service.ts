import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseEvents } from '../common/database/database-events.js';
import { readOnPool } from '../common/database/prepared.js';
import { transaction } from '../common/transaction.js';
import { INBOX_CHANNEL } from '../inbox/inbox.queries.js';
import {
  AUDIENCE_SIZE,
  BROADCAST_HISTORY_NEWER,
  BROADCAST_HISTORY_OLDER,
  DELIVER_BROADCASTS,
  DELIVERY_POSITION,
  ENSURE_COUNTERS,
  LOCK_DELIVERY_POSITION,
  SET_DELIVERY_POSITION,
} from './broadcasts.queries.js';

/** A broadcast sent, as its history shows it. */
export interface SentBroadcast {
  id: string;
  /** Its number: broadcasts are numbered in the order they were sent. */
  seq: number;
  category: 'promotions' | 'notices';
  subject: string;
  audience: 'all' | 'buyers' | 'sellers';
  /** Users of the audience when it was sent. */
  recipients: number;
  /** Of those, how many have it in their Message Center so far. */
  delivered: number;
  sentBy: string | null;
  sentAt: string;
}

/** A page of the broadcast history and where the pages either side of it start (null at an end). */
export interface BroadcastHistoryPage {
  items: SentBroadcast[];
  /** The next page: broadcasts numbered below this (`before`). */
  olderThan: number | null;
  /** The page before: broadcasts numbered above this (`after`). */
  newerThan: number | null;
}

interface HistoryRow {
  id: string;
  seq: string;
  category: SentBroadcast['category'];
  subject: string;
  audience: SentBroadcast['audience'];
  recipients: number;
  delivered: number;
  created_by: string | null;
  created_at: Date;
}

/** How many users' positions an instance keeps before it starts over. */
const MAX_KEPT = 100_000;

/**
 * Broadcasts reach a user's Message Center when that user next looks
 * (docs/inbox.md, "Broadcasts"). Sending one writes a row and the emails;
 * every read of a user's items first calls `deliver`, which turns the
 * broadcasts that user has not had yet into items, in one transaction under
 * the user's counters row lock, so counts stay exact and nothing is
 * delivered twice.
 *
 * So that a read costs nothing when there is nothing new, each instance
 * keeps the newest broadcast number it knows of (forgotten on every
 * broadcast's NOTIFY and whenever the LISTEN connection drops) and how far
 * each user it served is delivered (true for good: it only grows).
 */
@Injectable()
export class BroadcastDelivery implements OnModuleInit {
  private latest: number | undefined;
  private epoch = 0;
  private readonly delivered = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: DatabaseEvents,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.events.subscribe(INBOX_CHANNEL, {
      message: (payload) => {
        if (payload === '*') this.forgetLatest();
      },
      reset: () => this.forgetLatest(),
    });
  }

  /** How many a broadcast would reach if sent now, and how many of them by email (its preview). */
  async audienceSize(
    category: SentBroadcast['category'],
    audience: SentBroadcast['audience'],
  ): Promise<{ recipients: number; emails: number }> {
    // Rarely run: unprepared, leaving the prepared-statement names to the hot paths.
    const [size]: { recipients: number; emails: number }[] = await this.db.query(AUDIENCE_SIZE, [category, audience]);
    return size;
  }

  /**
   * A page of the broadcasts sent, newest first: `limit` of them numbered below `at.before` (the newest without it) or,
   * paging back, the `limit` numbered nearest above `at.after`; with the numbers that the pages either side start from.
   */
  async history(limit: number, at: { before?: number; after?: number } = {}): Promise<BroadcastHistoryPage> {
    const newer = at.after !== undefined;
    const rows: HistoryRow[] = await this.db.query(newer ? BROADCAST_HISTORY_NEWER : BROADCAST_HISTORY_OLDER, [
      limit + 1,
      (newer ? at.after : at.before) ?? null,
    ]);
    const more = rows.length > limit;
    // Rows come newest first either way; the extra row, read to tell whether another page follows, lies at the far end.
    const items = (newer ? rows.slice(-limit) : rows.slice(0, limit)).map((row): SentBroadcast => ({
      id: row.id,
      seq: Number(row.seq),
      category: row.category,
      subject: row.subject,
      audience: row.audience,
      recipients: row.recipients,
      delivered: row.delivered,
      sentBy: row.created_by,
      sentAt: row.created_at.toISOString(),
    }));
    const first = items[0];
    const last = items[items.length - 1];
    // The number the reader came from lies on the side it came from, so that side has a page.
    return {
      items,
      olderThan: last && (newer || more) ? last.seq : null,
      newerThan: first && (newer ? more : at.before !== undefined) ? first.seq : null,
    };
  }

  /** A broadcast was sent (told by this instance itself, before its NOTIFY arrives). */
  forgetLatest(): void {
    this.latest = undefined;
    this.epoch += 1;
  }

  /** Makes items of the broadcasts `userId` has not had yet; returns how many. */
  async deliver(userId: string): Promise<number> {
    const known = this.latest;
    if (known !== undefined && this.events.listening && (this.delivered.get(userId) ?? -1) >= known) return 0;
    // A LISTEN connection that drops or comes back meanwhile moves the epoch on (reset), as does a broadcast's NOTIFY.
    const epoch = this.epoch;
    const [position] = await readOnPool<{ seen: string; latest: string }>(this.db, DELIVERY_POSITION, [userId]);
    let items = 0;
    let through = Number(position.seen);
    if (through < Number(position.latest)) ({ items, through } = await this.catchUp(userId));
    if (this.delivered.size >= MAX_KEPT) this.delivered.clear();
    this.delivered.set(userId, through);
    if (this.events.listening && epoch === this.epoch)
      this.latest = Math.max(Number(position.latest), this.latest ?? 0);
    return items;
  }

  private catchUp(userId: string): Promise<{ items: number; through: number }> {
    return transaction(this.db, async (tx) => {
      // The counters row is the user's lock for deliveries (inboxDeliverCtes); broadcasts commit in the order of their numbers
      // (NotificationsService.broadcast), so every broadcast up to the newest seen here has committed.
      await tx.query(ENSURE_COUNTERS, [userId]);
      const [{ seen, latest }]: { seen: string; latest: string }[] = await tx.query(LOCK_DELIVERY_POSITION, [userId]);
      if (Number(seen) >= Number(latest)) return { items: 0, through: Number(seen) };
      const [{ items }]: { items: number }[] = await tx.query(DELIVER_BROADCASTS, [userId, seen, latest]);
      await tx.query(SET_DELIVERY_POSITION, [userId, latest]);
      return { items, through: Number(latest) };
    });
  }
}
