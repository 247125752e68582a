import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';
import { isKnownCountry, isKnownTimeZone, normaliseSubdivision } from '../lib/regions.js';
import { boolean, emptyToUndefined, integer } from '../lib/transforms.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Every environment variable Parley reads, declared once. The README's
 * configuration table documents the same names, defaults and meanings.
 */
export class Environment {
  /** TCP port of the HTTP server. */
  @Transform(integer)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  /** Interface the HTTP server binds to. */
  @IsString()
  HOST: string = '127.0.0.1';

  /** PostgreSQL to use; unset: an embedded PostgreSQL under DATA_DIR. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  /** Folder for local state: the embedded database, generated secrets, mail files. */
  @IsString()
  DATA_DIR: string = '.data';

  /** Port of the embedded PostgreSQL (only without DATABASE_URL). */
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_POSTGRES_PORT: number = 54329;

  /** Connections in this instance's database pool. */
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  /** Secret that signs access tokens; required with DATABASE_URL, generated and kept under DATA_DIR otherwise. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32)
  JWT_SECRET?: string;

  /** Lifetime of an access token, in seconds. */
  @Transform(integer)
  @IsInt()
  @Min(60)
  @Max(30 * 24 * 3600)
  JWT_TTL_SECONDS: number = 3600;

  /** E-mail of the first admin, created at start-up when no admin exists. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsEmail()
  ADMIN_EMAIL?: string;

  /** Password of the first admin; unset: one is generated and printed once. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(12)
  ADMIN_PASSWORD?: string;

  /** Failed logins allowed for one account from one client address within LOGIN_RATE_WINDOW_SECONDS (429 beyond, for that address only). */
  @Transform(integer)
  @IsInt()
  @Min(1)
  LOGIN_RATE_LIMIT_PER_ACCOUNT: number = 5;

  /** Failed logins allowed from one client address, whatever the account, within LOGIN_RATE_WINDOW_SECONDS. */
  @Transform(integer)
  @IsInt()
  @Min(1)
  LOGIN_RATE_LIMIT_PER_IP: number = 30;

  /** Failed logins for one account from all addresses after which each attempt for it is slowed (never locked). */
  @Transform(integer)
  @IsInt()
  @Min(1)
  LOGIN_SLOWDOWN_AFTER: number = 50;

  /** Window of the login rate limits, in seconds. */
  @Transform(integer)
  @IsInt()
  @Min(1)
  LOGIN_RATE_WINDOW_SECONDS: number = 900;

  /**
   * The proxies whose X-Forwarded-For is believed (Fastify's trustProxy): false (default), true, a hop
   * count, or a comma-separated list of addresses and CIDRs.
   */
  @Matches(/^(true|false|\d{1,2}|[0-9a-fA-F:./]+(\s*,\s*[0-9a-fA-F:./]+)*)$/, {
    message: 'TRUST_PROXY must be true, false, a hop count, or a comma-separated list of addresses or CIDRs',
  })
  TRUST_PROXY: string = 'false';

  /** Cases and messages one user may post per minute (429 with Retry-After beyond). */
  @Transform(integer)
  @IsInt()
  @Min(1)
  POST_RATE_LIMIT_PER_MINUTE: number = 30;

  /** Requests one API key may make per minute, across every instance (429 with Retry-After beyond). */
  @Transform(integer)
  @IsInt()
  @Min(1)
  API_KEY_RATE_LIMIT_PER_MINUTE: number = 600;

  /** `system` (wall clock) or `simulated` (moved by POST /admin/clock/advance, shared through the database). */
  @IsIn(['system', 'simulated'])
  CLOCK_MODE: 'system' | 'simulated' = 'system';

  /** Initial simulated time (ISO 8601), with CLOCK_MODE=simulated; default: the time of first start. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsISO8601({ strict: true })
  CLOCK_START?: string;

  /** `false` turns this instance's cron schedules off (API-only replicas); jobs still run on request. */
  @Transform(boolean)
  @IsBoolean()
  SCHEDULER_ENABLED: boolean = true;

  /**
   * The language pages and emails are in for a person who has not chosen one
   * (and whose browser asks for none that Parley speaks): a BCP 47 tag of a
   * catalogue in src/i18n/locales (`en`, `de`, `fr`, `es`, `ja`, `ar`).
   */
  @IsString()
  @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, {
    message: 'MARKETPLACE_DEFAULT_LOCALE must be a BCP 47 language tag such as en or de',
  })
  MARKETPLACE_DEFAULT_LOCALE: string = 'en';

  /** `true` serves the pseudo-locale `en-XA` (accented, 40 % longer English) for finding untranslated text and cramped layouts. */
  @Transform(boolean)
  @IsBoolean()
  PSEUDO_LOCALE: boolean = false;

  /** Time zone of the marketplace calendar (support and buyer-protection deadlines). */
  @IsString()
  MARKETPLACE_TIME_ZONE: string = 'America/Los_Angeles';

  /** Country of the marketplace calendar's public holidays; `none` for no holidays. */
  @IsString()
  MARKETPLACE_HOLIDAY_COUNTRY: string = 'US';

  /** Subdivision of the marketplace calendar's holidays (`CA` or `US-CA`); empty for none. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  MARKETPLACE_HOLIDAY_SUBDIVISION?: string = 'CA';

  /** Working weekdays of the marketplace calendar, comma-separated. */
  @Matches(/^(mon|tue|wed|thu|fri|sat|sun)(,(mon|tue|wed|thu|fri|sat|sun))*$/, {
    message: 'MARKETPLACE_WORKING_DAYS must list weekdays like mon,tue,wed,thu,fri',
  })
  MARKETPLACE_WORKING_DAYS: string = 'mon,tue,wed,thu,fri';

  /** SMTP server for email, e.g. smtp://user:pass@host:587; unset: emails are written as .eml files under DATA_DIR/mail. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** Sender of Parley's email. */
  @IsString()
  MAIL_FROM: string = 'Parley <no-reply@parley.local>';

  /** Base URL of links in emails (the case, unsubscribe); unset: this server's own address from HOST and PORT. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'PUBLIC_URL must be an http(s) URL' })
  PUBLIC_URL: string;

  /** When set, /metrics answers only requests with `Authorization: Bearer <METRICS_TOKEN>`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** Sends before an email is marked failed. */
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(50)
  EMAIL_MAX_ATTEMPTS: number = 8;

  /** Attempts before a webhook delivery is marked failed (an admin can retry it). */
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(50)
  WEBHOOK_MAX_ATTEMPTS: number = 10;

  /** Attachments go to this S3 bucket when set; otherwise to DATA_DIR/attachments on the local disk. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'ATTACHMENTS_S3_BUCKET must be an S3 bucket name' })
  ATTACHMENTS_S3_BUCKET?: string;

  /** An S3-compatible endpoint (MinIO, R2, a local server); unset: AWS S3 itself. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'ATTACHMENTS_S3_ENDPOINT must be an http(s) URL' })
  ATTACHMENTS_S3_ENDPOINT?: string;

  @IsString()
  ATTACHMENTS_S3_REGION: string = 'us-east-1';

  /** Path-style URLs (bucket in the path), which most S3-compatible servers need. */
  @Transform(boolean)
  @IsBoolean()
  ATTACHMENTS_S3_FORCE_PATH_STYLE: boolean = false;

  /** Credentials for the bucket; unset: the AWS SDK's usual chain (environment, profile, instance role). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  ATTACHMENTS_S3_ACCESS_KEY_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  ATTACHMENTS_S3_SECRET_ACCESS_KEY?: string;

  /** How long a webhook endpoint has to answer, in milliseconds. */
  @Transform(integer)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS: number = 10_000;

  /** Seconds a client has to send a whole request (headers and body); a slower one is answered 408 and its connection closed. */
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(3600)
  REQUEST_TIMEOUT_SECONDS: number = 30;

  /**
   * Seconds a connection may sit idle (nothing received or sent) before it is closed; longer than any
   * request may take to answer (a job run through POST /admin/jobs/:name/run sends nothing until it is done).
   */
  @Transform(integer)
  @IsInt()
  @Min(5)
  @Max(86_400)
  CONNECTION_IDLE_TIMEOUT_SECONDS: number = 1800;

  /** Uploads (multipart message bodies) one instance reads at once; one more is answered 503 with Retry-After before its body is read. */
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(1000)
  UPLOAD_CONCURRENCY: number = 8;

  /** Live Message Center streams one user may hold on one instance; opening one more closes that user's oldest. */
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(100)
  STREAM_MAX_PER_USER: number = 10;

  /** Seconds a live stream lasts before the server ends it and the client reconnects (and is authenticated again). */
  @Transform(integer)
  @IsInt()
  @Min(10)
  @Max(86_400)
  STREAM_MAX_LIFETIME_SECONDS: number = 900;

  /** Items a stream resumed with Last-Event-ID sends at most; a client further behind gets a `reload` event instead. */
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(100_000)
  STREAM_REPLAY_LIMIT: number = 500;

  /** Milliseconds one SQL statement of a request may run before it is cancelled (503); scheduled jobs are not bound by it. */
  @Transform(integer)
  @IsInt()
  @Min(100)
  @Max(600_000)
  STATEMENT_TIMEOUT_MS: number = 10_000;

  /** `true` lets webhooks target loopback, private, link-local and metadata addresses (development and tests only). */
  @Transform(boolean)
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE: boolean = false;

  /** pino log level. */
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function describe(errors: ValidationError[]): string[] {
  return errors.map((error) => {
    const shown = error.value === undefined ? 'unset' : `got ${JSON.stringify(error.value)}`;
    const messages = Object.values(error.constraints ?? {}).join('; ');
    return `${error.property}: ${messages} (${shown})`;
  });
}

/** TRUST_PROXY as Fastify's `trustProxy` takes it. */
export function trustProxyOf(value: string): boolean | number | string[] {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((part) => part.trim());
}

/** Where this server is reached when PUBLIC_URL is unset: its own host and port (a wildcard bind is reached on loopback). */
export function defaultPublicUrl(host: string, port: number): string {
  const reachable =
    host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${reachable}:${port}`;
}

/** Reads and validates the environment; throws one ConfigError naming every variable at fault. */
export function loadEnvironment(source: NodeJS.ProcessEnv = process.env): Environment {
  const declared = Object.keys(new Environment()).concat(
    'DATABASE_URL',
    'JWT_SECRET',
    'ADMIN_EMAIL',
    'ADMIN_PASSWORD',
    'CLOCK_START',
    'MARKETPLACE_HOLIDAY_SUBDIVISION',
    'SMTP_URL',
    'PUBLIC_URL',
    'METRICS_TOKEN',
    'ATTACHMENTS_S3_BUCKET',
    'ATTACHMENTS_S3_ENDPOINT',
    'ATTACHMENTS_S3_ACCESS_KEY_ID',
    'ATTACHMENTS_S3_SECRET_ACCESS_KEY',
  );
  const present = Object.fromEntries(
    declared.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]),
  );
  const env = plainToInstance(Environment, present);
  const problems = describe(validateSync(env, { whitelist: true }));
  if (env.DATABASE_URL && !env.JWT_SECRET) {
    problems.push('JWT_SECRET: required when DATABASE_URL is set, so that every instance signs tokens alike (unset)');
  }
  if (!isKnownTimeZone(env.MARKETPLACE_TIME_ZONE)) {
    problems.push(`MARKETPLACE_TIME_ZONE: not an IANA time zone (got ${JSON.stringify(env.MARKETPLACE_TIME_ZONE)})`);
  }
  const country = env.MARKETPLACE_HOLIDAY_COUNTRY;
  if (country !== 'none' && !isKnownCountry(country)) {
    problems.push(
      `MARKETPLACE_HOLIDAY_COUNTRY: not a country with a holiday calendar, or none (got ${JSON.stringify(country)})`,
    );
  } else if (
    env.MARKETPLACE_HOLIDAY_SUBDIVISION &&
    (country === 'none' || !normaliseSubdivision(country, env.MARKETPLACE_HOLIDAY_SUBDIVISION))
  ) {
    problems.push(
      `MARKETPLACE_HOLIDAY_SUBDIVISION: not a subdivision of ${country} (got ${JSON.stringify(env.MARKETPLACE_HOLIDAY_SUBDIVISION)}); ` +
        'set it along with MARKETPLACE_HOLIDAY_COUNTRY, or to an empty value for none',
    );
  }
  if (env.CLOCK_START && env.CLOCK_MODE !== 'simulated') {
    problems.push('CLOCK_START: only meaningful with CLOCK_MODE=simulated');
  }
  const startYear = env.CLOCK_START ? new Date(env.CLOCK_START).getUTCFullYear() : undefined;
  if (startYear !== undefined && !(startYear >= 1970 && startYear <= 2100)) {
    // The years calendars cover, as the clock's own endpoints check.
    problems.push(`CLOCK_START: must fall in the years 1970 to 2100 (got ${JSON.stringify(env.CLOCK_START)})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  env.PUBLIC_URL ??= defaultPublicUrl(env.HOST, env.PORT);
  return env;
}
