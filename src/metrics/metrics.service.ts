import { Injectable } from '@nestjs/common';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of this instance (`GET /metrics`). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly slaSweepActions = new Counter({
    name: 'parley_sla_sweep_actions_total',
    help: 'SLA levels applied by the sweep, by level',
    labelNames: ['level'] as const,
    registers: [this.registry],
  });

  readonly slaSweepFailures = new Counter({
    name: 'parley_sla_sweep_failures_total',
    help: 'Cases the SLA sweep could not process (recorded in sla_sweep_failures)',
    registers: [this.registry],
  });

  readonly slaSweepDuration = new Histogram({
    name: 'parley_sla_sweep_duration_seconds',
    help: 'Duration of SLA sweep runs',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly supportSweepRaised = new Counter({
    name: 'parley_support_sweep_priority_raised_total',
    help: 'Overdue escalations whose priority the support sweep raised',
    registers: [this.registry],
  });

  readonly emailsSent = new Counter({
    name: 'parley_emails_sent_total',
    help: 'Emails handed to the mail server',
    registers: [this.registry],
  });

  readonly emailsFailed = new Counter({
    name: 'parley_emails_failed_total',
    help: 'Emails given up on after the last attempt',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
  }
}
