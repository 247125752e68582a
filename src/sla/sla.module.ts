import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module.js';
import { SlaSweepJob } from './sla-sweep.job.js';
import { SlaSweepService } from './sla-sweep.service.js';

@Module({
  imports: [CalendarModule],
  providers: [SlaSweepService, SlaSweepJob],
  exports: [SlaSweepService],
})
export class SlaModule {}
