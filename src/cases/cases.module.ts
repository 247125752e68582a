import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarModule } from '../calendar/calendar.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { SupportModule } from '../support/support.module.js';
import { CaseEvent, CaseRecord, Message, ReplyCycle } from './case.entity.js';
import { CasesController } from './cases.controller.js';
import { CasesService } from './cases.service.js';
import { CloseResolvedCasesJob } from './close-resolved.job.js';

@Module({
  imports: [TypeOrmModule.forFeature([CaseRecord, ReplyCycle, Message, CaseEvent]), CalendarModule, OrdersModule, SupportModule],
  controllers: [CasesController],
  providers: [CasesService, CloseResolvedCasesJob],
  exports: [CasesService],
})
export class CasesModule {}
