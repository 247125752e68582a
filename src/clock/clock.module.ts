import { DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, SystemClock } from '../common/clock.js';
import { ClockAdminService } from './clock-admin.service.js';
import { ClockController } from './clock.controller.js';
import { SimulatedClock } from './simulated-clock.js';

/** Provides the application's Clock: the system clock, a simulated one, or one given by a test. */
@Global()
@Module({})
export class ClockModule {
  static forRoot(mode: 'system' | 'simulated', override?: Clock): DynamicModule {
    if (mode === 'simulated') {
      return {
        module: ClockModule,
        controllers: [ClockController],
        providers: [
          { provide: SimulatedClock, inject: [DataSource], useFactory: (db: DataSource) => new SimulatedClock(db) },
          { provide: Clock, useExisting: SimulatedClock },
          ClockAdminService,
        ],
        exports: [Clock, ClockAdminService],
      };
    }
    return {
      module: ClockModule,
      providers: [{ provide: Clock, useValue: override ?? new SystemClock() }],
      exports: [Clock],
    };
  }
}
