import type { Environment } from './environment.js';

/** The validated environment plus what start-up resolved (database, secrets). Injected by its class. */
export class AppConfig {
  constructor(
    readonly env: Environment,
    readonly databaseUrl: string,
    readonly jwtSecret: string,
    /** True when the database is the embedded one started by this process. */
    readonly embeddedDatabase: boolean,
  ) {}
}
