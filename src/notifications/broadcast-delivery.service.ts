import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseEvents } from '../common/database/database-events.js';
import { readOnPool } from '../common/database/prepared.js';
import { transaction } from '../common/transaction.js';
import { INBOX_CHANNEL, inboxDeliverCtes, inboxNotifySql } from '../inbox/inbox.queries.js';

/** Who a broadcast's items are from (an SQL literal). */
const BROADCAST_SENDER = `'Marketplace'`;

/** Whether a user of `role` is in a broadcast's `audience` (SQL expressions). */
export const inAudienceSql = (audience: string, role: string): string =>
  `(${audience} = 'all' OR (${audience} = 'buyers' AND ${role} = 'buyer') OR (${audience} = 'sellers' AND ${role} = 'seller'))`;

/** The email of a broadcast to a user is the outbox row with this dedupe key. */
export const broadcastDedupeKeySql = (broadcastId: string, userId: string): string => `${broadcastId}::text || ':' || ${userId}::text`;

/**
 * A user's item for a broadcast (SQL expressions of the two ids): known before
 * the item exists, so the email can link to it. A hash of the email's dedupe
 * key as an RFC 9562 version 8 (custom) UUID: its version and variant bits
 * set, like every other id a client may send back.
 */
export const broadcastItemIdSql = (broadcastId: string, userId: string): string => {
  const hash = `md5(${broadcastDedupeKeySql(broadcastId, userId)})`;
  return `(substr(${hash}, 1, 12) || '8' || substr(${hash}, 14, 3) || substr('89ab', get_byte(decode(${hash}, 'hex'), 8) % 4 + 1, 1) || substr(${hash}, 18))::uuid`;
};

/** The last broadcast delivered to $1 (or sent before the account was made), and the newest one sent. */
const POSITION = `SELECT GREATEST((SELECT broadcast_seq FROM inbox_counters WHERE user_id = $1), (SELECT broadcast_seq_at_join FROM users WHERE id = $1), 0) AS seen, latest_broadcast_seq() AS latest`;

/**
 * The broadcasts numbered after $2 up to $3 that are for user $1 (in the
 * audience by role, sent after the account was made), as the user's items.
 */
const DELIVER = `
WITH pending AS (
  SELECT b.id, b.seq, b.category, b.subject, b.body, b.created_at, u.id AS user_id
    FROM users u JOIN broadcasts b ON b.seq > GREATEST($2, u.broadcast_seq_at_join) AND b.seq <= $3 AND ${inAudienceSql('b.audience', 'u.role::text')}
   WHERE u.id = $1
),
broadcast_items AS (
  SELECT ${broadcastItemIdSql('p.id', 'p.user_id')} AS id, o.id AS outbox_id, p.user_id, p.category, 'broadcast' AS kind, 'marketplace' AS sender_kind, NULL::uuid AS sender_id,
         ${BROADCAST_SENDER} AS sender_name, p.subject, p.body, NULL::uuid AS case_id, NULL::uuid AS order_id, NULL::uuid AS claim_id, NULL::uuid AS message_id, p.created_at AS at, p.seq AS ord
    FROM pending p LEFT JOIN outbox o ON o.dedupe_key = ${broadcastDedupeKeySql('p.id', 'p.user_id')}
),
${inboxDeliverCtes('broadcast_items', 'delivery', { ids: true })}
SELECT (SELECT count(*) FROM delivery_items)::int AS items, ${inboxNotifySql('delivery')} AS notified`;

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
    const [position] = await readOnPool<{ seen: string; latest: string }>(this.db, POSITION, [userId]);
    let items = 0;
    let through = Number(position.seen);
    if (through < Number(position.latest)) ({ items, through } = await this.catchUp(userId));
    if (this.delivered.size >= MAX_KEPT) this.delivered.clear();
    this.delivered.set(userId, through);
    if (this.events.listening && epoch === this.epoch) this.latest = Math.max(Number(position.latest), this.latest ?? 0);
    return items;
  }

  private catchUp(userId: string): Promise<{ items: number; through: number }> {
    return transaction(this.db, async (tx) => {
      // The counters row is the user's lock for deliveries (inboxDeliverCtes); broadcasts commit in the order of their numbers
      // (NotificationsService.broadcast), so every broadcast up to the newest seen here has committed.
      await tx.query(`INSERT INTO inbox_counters (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING`, [userId]);
      const [{ seen, latest }]: { seen: string; latest: string }[] = await tx.query(
        `SELECT c.broadcast_seq AS seen, latest_broadcast_seq() AS latest FROM inbox_counters c WHERE c.user_id = $1 FOR UPDATE OF c`,
        [userId],
      );
      if (Number(seen) >= Number(latest)) return { items: 0, through: Number(seen) };
      const [{ items }]: { items: number }[] = await tx.query(DELIVER, [userId, seen, latest]);
      await tx.query(`UPDATE inbox_counters SET broadcast_seq = $2 WHERE user_id = $1`, [userId, latest]);
      return { items, through: Number(latest) };
    });
  }
}
