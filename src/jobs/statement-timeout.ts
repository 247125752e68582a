import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

type Release = (error?: Error | boolean) => void;
type ConnectCallback = (error: Error | undefined, client?: PoolClient, release?: Release) => void;

const unbounded = new AsyncLocalStorage<true>();

/**
 * Runs `work` with no statement timeout: every connection it takes from the
 * pool (directly, for a query, or for a transaction) runs with
 * statement_timeout 0 until it goes back. The job registry runs every job
 * this way, on its cron or on POST /admin/jobs/:name/run; nothing else should.
 */
export function withoutStatementTimeout<T>(work: () => Promise<T>): Promise<T> {
  return unbounded.run(true, work);
}

/**
 * Makes `pool` lift its connections' statement timeout (a connection
 * setting, STATEMENT_TIMEOUT_MS) for the time work run by
 * withoutStatementTimeout holds them: `SET statement_timeout = 0` before the
 * connection is handed over, `RESET` (back to the connection's setting)
 * queued ahead of anything its next user sends. Who asked is known when
 * the connection is asked for, not when the pool hands it over (which may
 * happen as another caller gives one back), so the choice is made then.
 */
export function liftStatementTimeoutForJobs(pool: Pool): void {
  const connect = pool.connect.bind(pool) as (callback?: ConnectCallback) => Promise<PoolClient> | void;
  const lifted = (callback: ConnectCallback): void =>
    void connect((error, client, release) => {
      if (error || !client || !release) return callback(error, client, release);
      client.query('SET statement_timeout = 0').then(
        () => {
          let restored = false;
          const restore: Release = (releaseError) => {
            // Once: a second release must not send RESET down a connection someone else holds by then.
            if (restored) return release(releaseError);
            restored = true;
            // A connection given back with an error is closed by the pool: nothing to restore.
            if (!releaseError) client.query('RESET statement_timeout').catch(() => undefined);
            release(releaseError);
          };
          client.release = restore;
          callback(undefined, client, restore);
        },
        (setError: Error) => {
          release(setError);
          callback(setError);
        },
      );
    });
  const connectFor = (callback?: ConnectCallback): Promise<PoolClient> | void => {
    if (!unbounded.getStore()) return connect(callback);
    if (callback) return lifted(callback);
    return new Promise((resolve, reject) => lifted((error, client) => (client ? resolve(client) : reject(error ?? new Error('No connection')))));
  };
  Object.assign(pool, { connect: connectFor });
}

/** Installs liftStatementTimeoutForJobs on the application's pool at start-up, before any job can run. */
@Injectable()
export class JobStatementTimeout implements OnModuleInit {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  onModuleInit(): void {
    liftStatementTimeoutForJobs((this.db.driver as PostgresDriver).master as Pool);
  }
}
