import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { MetricsService } from '../metrics/metrics.service.js';

/** Outbox depth and the age of the oldest unsent email, read from the database at each scrape. */
@Injectable()
export class OutboxMetrics {
  constructor(@InjectDataSource() db: DataSource, clock: Clock, metrics: MetricsService) {
    // Both gauges are collected together at each scrape: they share one query.
    let inFlight: Promise<{ depth: number; oldestAgeSeconds: number }> | undefined;
    const query = async () => {
      const [row]: { depth: number; oldest: Date | null }[] = await db.query(
        `SELECT count(*)::int AS depth, min(created_at) AS oldest FROM outbox WHERE status IN ('pending', 'sending')`,
      );
      return {
        depth: row.depth,
        oldestAgeSeconds: row.oldest ? ((await clock.now()).getTime() - row.oldest.getTime()) / 1000 : 0,
      };
    };
    const read = () => (inFlight ??= query().finally(() => (inFlight = undefined)));
    new Gauge({
      name: 'parley_outbox_depth',
      help: 'Emails waiting to be sent',
      registers: [metrics.registry],
      async collect() {
        this.set((await read()).depth);
      },
    });
    new Gauge({
      name: 'parley_outbox_oldest_unsent_age_seconds',
      help: 'Age of the oldest email not yet sent',
      registers: [metrics.registry],
      async collect() {
        this.set((await read()).oldestAgeSeconds);
      },
    });
  }
}
