import { Global, Module } from '@nestjs/common';
import { DatabaseEvents } from './database-events.js';

/** The one LISTEN connection of this instance, for every feature. */
@Global()
@Module({ providers: [DatabaseEvents], exports: [DatabaseEvents] })
export class DatabaseEventsModule {}
