import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { AppConfig } from '../../../config/app-config.js';

export interface ChannelListener {
  /** A NOTIFY on the channel, after the transaction that sent it committed. */
  message(payload: string): void;
  /**
   * The connection was lost (notifications may have been missed) or is back:
   * whatever was kept on the strength of notifications must be dropped or
   * refreshed.
   */
  reset(): void;
}

const RECONNECT_MS = 1_000;

/**
 * The instance's one LISTEN connection to PostgreSQL, shared by every feature
 * that needs to hear of changes other instances make (ended sessions, new
 * Message Center items). It reconnects by itself; while it is down,
 * `listening` is false and listeners have been told to reset.
 */
@Injectable()
export class DatabaseEvents implements OnApplicationShutdown {
  private readonly logger = new Logger('DatabaseEvents');
  private readonly listeners = new Map<string, Set<ChannelListener>>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly config: AppConfig) {}

  /** True while notifications are being received: what was learnt from them can be trusted. */
  get listening(): boolean {
    return this.client !== null;
  }

  /** Listens on `channel` (connecting first if needed); resolves once notifications on it will arrive. */
  async subscribe(channel: string, listener: ChannelListener): Promise<void> {
    let set = this.listeners.get(channel);
    const fresh = !set;
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    try {
      await this.connect();
      if (fresh && this.client) await this.client.query(`LISTEN ${channel}`);
    } catch (error) {
      // Not listening yet: `listening` stays false (nothing is trusted) and the connection is retried.
      this.logger.warn({ err: error }, 'Could not LISTEN yet; retrying');
      this.retryLater();
    }
  }

  onApplicationShutdown(): void {
    this.closed = true;
    void this.client?.end().catch(() => undefined);
    this.client = null;
  }

  private connect(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.config.databaseUrl });
      client.on('notification', (message) => {
        for (const listener of this.listeners.get(message.channel) ?? []) listener.message(message.payload ?? '');
      });
      client.on('error', (error) => this.lost(client, error));
      client.on('end', () => this.lost(client));
      await client.connect();
      for (const channel of this.listeners.keys()) await client.query(`LISTEN ${channel}`);
      this.client = client;
      this.resetAll();
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private lost(client: pg.Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = null;
    this.resetAll();
    if (this.closed) return;
    this.logger.warn({ err: error }, 'The LISTEN connection was lost; reconnecting');
    void client.end().catch(() => undefined);
    this.retryLater();
  }

  private retryLater(): void {
    const retry = () => {
      if (this.closed || this.client) return;
      this.connect().catch(() => setTimeout(retry, RECONNECT_MS).unref());
    };
    setTimeout(retry, RECONNECT_MS).unref();
  }

  private resetAll(): void {
    for (const set of this.listeners.values()) for (const listener of set) listener.reset();
  }
}
