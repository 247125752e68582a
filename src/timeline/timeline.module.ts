import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CaseEvent } from './timeline.entity.js';
import { TimelineService } from './timeline.service.js';

/** The owner of `case_events`. */
@Module({
  imports: [TypeOrmModule.forFeature([CaseEvent])],
  providers: [TimelineService],
  exports: [TimelineService],
})
export class TimelineModule {}
