import { Injectable, OnModuleInit } from '@nestjs/common';
import { DatabaseEvents } from '../common/database/database-events.js';
import type { Role } from '../users/user.entity.js';

/** Sent (by triggers, in the transaction of the change) with a user id whenever that user's sessions may have ended or its role changed. */
export const SESSIONS_CHANNEL = 'parley_sessions';
const TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 50_000;

interface Entry {
  role: Role;
  until: number;
}

/** What a lookup saw before it went to the database: a result may be kept only if nothing changed meanwhile. */
export interface Snapshot {
  epoch: number;
  generation: number;
}

/**
 * Sessions this instance checked recently, so that a request needs no
 * database round trip to know its token still stands. Any change to a user
 * that ends sessions (logout, a new password, disabling, a role change) fires
 * a NOTIFY from a trigger, and every instance forgets that user's sessions
 * within milliseconds of the commit. While the LISTEN connection is down
 * nothing is cached or trusted, and everything is forgotten when it returns.
 */
@Injectable()
export class SessionCache implements OnModuleInit {
  private readonly byUser = new Map<string, Map<string, Entry>>();
  private readonly generations = new Map<string, number>();
  private epoch = 0;
  private size = 0;

  constructor(private readonly events: DatabaseEvents) {}

  async onModuleInit(): Promise<void> {
    await this.events.subscribe(SESSIONS_CHANNEL, {
      message: (userId) => this.forget(userId),
      reset: () => this.clear(),
    });
  }

  get(userId: string, key: string, now = Date.now()): Role | undefined {
    if (!this.events.listening) return undefined;
    const entry = this.byUser.get(userId)?.get(key);
    return entry && entry.until > now ? entry.role : undefined;
  }

  snapshot(userId: string): Snapshot {
    return { epoch: this.epoch, generation: this.generations.get(userId) ?? 0 };
  }

  /** Keeps a session the database just confirmed, unless that user changed (or the connection reset) since `snapshot`. */
  put(userId: string, key: string, role: Role, snapshot: Snapshot, now = Date.now()): void {
    if (
      !this.events.listening ||
      snapshot.epoch !== this.epoch ||
      snapshot.generation !== (this.generations.get(userId) ?? 0)
    )
      return;
    if (this.size >= MAX_ENTRIES) this.clear();
    let sessions = this.byUser.get(userId);
    if (!sessions) this.byUser.set(userId, (sessions = new Map<string, Entry>()));
    if (!sessions.has(key)) this.size += 1;
    sessions.set(key, { role, until: now + TTL_MS });
  }

  forget(userId: string): void {
    this.generations.set(userId, (this.generations.get(userId) ?? 0) + 1);
    this.size -= this.byUser.get(userId)?.size ?? 0;
    this.byUser.delete(userId);
  }

  private clear(): void {
    this.epoch += 1;
    this.byUser.clear();
    this.generations.clear();
    this.size = 0;
  }
}
