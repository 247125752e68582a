import { Controller, Get, Header, Headers } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../../config/app-config.js';
import { Public } from '../auth/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { MetricsService } from './metrics.service.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Prometheus scrape endpoint: no personal data; with METRICS_TOKEN set, only for a scraper that presents it. */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    const token = this.config.env.METRICS_TOKEN;
    if (token !== undefined) {
      const given = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? '';
      // Compared as digests, so the comparison takes the same time whatever was sent.
      if (!timingSafeEqual(digest(given), digest(token)))
        throw new DomainError('unauthorized', 'The metrics token is required');
    }
    return this.metrics.registry.metrics();
  }
}
