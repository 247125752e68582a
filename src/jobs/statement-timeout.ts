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
 * setting, STATEMENT_TIMEOUT_MS) for work run by withoutStatementTimeout.
 * Each connection remembers which way it was last set: a job that takes a
 * bounded one queues `SET statement_timeout = 0` ahead of its own first
 * statement, a request that takes a lifted one queues `RESET` ahead of its
 * own, and otherwise nothing is sent, so a job that keeps taking the same
 * connections (a dispatch loop) pays nothing after the first. Who asked is
 * known when the connection is asked for, not when the pool hands it over
 * (which may happen as another caller gives one back), so the choice is
 * made then.
 */
export function liftStatementTimeoutForJobs(pool: Pool): void {
  const connect = pool.connect.bind(pool) as (callback?: ConnectCallback) => Promise<PoolClient> | void;
  const lifted = new WeakSet<PoolClient>();
  // The statement is queued on the connection before its taker's first one, so nothing waits for it here; a failure
  // there (a broken connection) fails the taker's statement too.
  const adjust = (client: PoolClient, job: boolean): void => {
    if (job === lifted.has(client)) return;
    if (job) lifted.add(client);
    else lifted.delete(client);
    client.query(job ? 'SET statement_timeout = 0' : 'RESET statement_timeout').catch(() => undefined);
  };
  const connectFor = (callback?: ConnectCallback): Promise<PoolClient> | void => {
    const job = unbounded.getStore() === true;
    if (callback) {
      return connect((error, client, release) => {
        if (client) adjust(client, job);
        callback(error, client, release);
      });
    }
    return (connect() as Promise<PoolClient>).then((client) => {
      adjust(client, job);
      return client;
    });
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
