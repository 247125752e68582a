import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module.js';
import { EscalationsModule } from '../escalations/escalations.module.js';
import { SlaController } from './sla.controller.js';
import { SlaMarksService } from './sla-marks.service.js';
import { SlaRebaseService } from './sla-rebase.service.js';
import { SlaSweepJob } from './sla-sweep.job.js';
import { SlaSweepService } from './sla-sweep.service.js';

@Module({
  imports: [CalendarModule, EscalationsModule],
  controllers: [SlaController],
  providers: [SlaSweepService, SlaSweepJob, SlaRebaseService, SlaMarksService],
  exports: [SlaSweepService, SlaMarksService],
})
export class SlaModule {}
