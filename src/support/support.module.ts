import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarModule } from '../calendar/calendar.module.js';
import { Escalation } from './escalation.entity.js';
import { EscalationsService } from './escalations.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Escalation]), CalendarModule],
  providers: [EscalationsService],
  exports: [EscalationsService],
})
export class SupportModule {}
