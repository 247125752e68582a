import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module.js';
import { SlaController } from './sla.controller.js';
import { SlaRebaseService } from './sla-rebase.service.js';
import { SlaSweepJob } from './sla-sweep.job.js';
import { SlaSweepService } from './sla-sweep.service.js';

@Module({
  imports: [CalendarModule],
  controllers: [SlaController],
  providers: [SlaSweepService, SlaSweepJob, SlaRebaseService],
  exports: [SlaSweepService],
})
export class SlaModule {}
