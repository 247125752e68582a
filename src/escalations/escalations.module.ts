import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarModule } from '../calendar/calendar.module.js';
import { Escalation, EscalationPause } from './escalation.entity.js';
import { EscalationsService } from './escalations.service.js';

/** The owner of escalations: opened by cases, the sweep and (later) claims and reports; worked by SupportQueueModule. */
@Module({
  imports: [TypeOrmModule.forFeature([Escalation, EscalationPause]), CalendarModule],
  providers: [EscalationsService],
  exports: [EscalationsService],
})
export class EscalationsModule {}
