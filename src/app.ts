import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger, PinoLogger } from 'nestjs-pino';
import { AppModule, AppOverrides } from './app.module.js';
import { acceptUploads } from './attachments/uploads.js';
import { useSecurityHeaders } from './common/security-headers.js';
import { clientErrorHandler, hardenHttp } from './common/http-hardening.js';
import { problem } from './common/problem.filter.js';
import { logRequests, QuietStartLogger } from './common/request-log.js';
import { AppConfig } from '../config/app-config.js';
import { trustProxyOf } from '../config/environment.js';
import { AuthService } from './auth/auth.service.js';
import { AuthGuard } from './auth/auth.guard.js';
import { AccessService } from './access/access.service.js';
import { AttachmentsService } from './attachments/attachments.service.js';
import { PostingLimit } from './common/shared-limits.js';
import { cookieOptionsFor } from './auth/browser-session.js';
import { takeFlash } from './portal/flash.js';
import { redirectTo } from './portal/portal.js';
import { DomainError } from './common/domain-error.js';

const BODY_LIMIT_BYTES = 1024 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's well-formed X-Request-Id, otherwise makes one; also left on the raw request for the logger. */
function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  req.id = id;
  return id;
}

/** Builds the Nest application on Fastify with everything main.ts and the tests share; the caller listens or inits. */
export async function createApp(config: AppConfig, overrides: AppOverrides = {}): Promise<NestFastifyApplication> {
  const timeoutMs = config.env.REQUEST_TIMEOUT_SECONDS * 1000;
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // A request (headers and body) must arrive within REQUEST_TIMEOUT_SECONDS (408), checked every second rather than
    // Node's default 30 s; a connection with nothing received or sent for CONNECTION_IDLE_TIMEOUT_SECONDS is closed.
    // Node arms the check only for a timeout given when the server is made, hence `http` as well.
    requestTimeout: timeoutMs,
    connectionTimeout: config.env.CONNECTION_IDLE_TIMEOUT_SECONDS * 1000,
    http: { requestTimeout: timeoutMs, connectionsCheckingInterval: Math.min(1000, timeoutMs) },
    // Fastify takes a hop count too; the adapter's options type leaves numbers out.
    trustProxy: trustProxyOf(config.env.TRUST_PROXY) as boolean | string[],
    genReqId: requestId,
    // A path parameter as sent, percent-encoded: an external id of 200 characters may take 12 for each (a 4-byte character).
    routerOptions: { maxParamLength: 2400 },
    clientErrorHandler,
    // Errors Fastify raises before routing (a malformed URL, an over-long path parameter) are problem+json too.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      void reply
        .status(status)
        .header('Content-Type', 'application/problem+json; charset=utf-8')
        .send(problem(status, error.message));
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, overrides), adapter, {
    bufferLogs: true,
    abortOnError: false,
    // Bodies are parsed by hardenHttp's parsers, which check their shape first.
    bodyParser: false,
  });
  app.useLogger(new QuietStartLogger(app.get(Logger)));
  const fastify = app.getHttpAdapter().getInstance();
  logRequests(fastify, PinoLogger.root);
  // Hooks on every request are callback-style where they do not wait for anything: an async hook costs a promise per request.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  await fastify.register(cookie);
  const portalSecure = cookieOptionsFor(config.env.PUBLIC_URL).secure;
  fastify.decorateRequest('portalSecure', { getter: () => portalSecure });
  fastify.addHook('onRequest', (request, reply, done) => {
    takeFlash(request, reply);
    done();
  });
  hardenHttp(fastify, BODY_LIMIT_BYTES);
  const guard = app.get(AuthGuard);
  const posting = app.get(PostingLimit);
  const access = app.get(AccessService);
  await acceptUploads(fastify, {
    callerOf: (request) => guard.callerOf(request),
    carriesCsrf: (caller, token) => guard.carriesCsrf(caller, token),
    admit: (caller) => posting.admit(caller),
    mayPostTo: async (caller, route, id) => {
      if (route.includes('/claims/')) await access.requireClaim(null, caller, id, 'claim.read');
      else await access.requireCase(null, caller, id, 'case.read');
    },
    spool: app.get(AttachmentsService).spool,
    concurrency: config.env.UPLOAD_CONCURRENCY,
  });
  // An address past its failed sign-in limit is refused before its body is read.
  const auth = app.get(AuthService);
  fastify.addHook('onRequest', async (request, reply) => {
    if (
      request.method !== 'POST' ||
      (request.routeOptions.url !== '/auth/login' && request.routeOptions.url !== '/app/login')
    )
      return;
    try {
      await auth.admitAddress(request.ip);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'rate_limited') throw error;
      // The portal's sign-in form shows the refusal on its page.
      if (request.routeOptions.url === '/app/login') {
        redirectTo(reply, '/app/login', error.message);
        return reply;
      }
      return reply
        .status(429)
        .header('Retry-After', String(error.details.retryAfterSeconds))
        .header('Content-Type', 'application/problem+json; charset=utf-8')
        .send(problem(429, error.message));
    }
  });
  // Strict everywhere, the portal included: scripts and styles only from this origin, no inline script or style.
  const strict = {
    defaultSrc: [`'self'`],
    scriptSrc: [`'self'`],
    styleSrc: [`'self'`],
    imgSrc: [`'self'`, 'data:'],
    connectSrc: [`'self'`],
    formAction: [`'self'`],
    frameAncestors: [`'none'`],
    baseUri: [`'none'`],
    objectSrc: [`'none'`],
    // Served over plain HTTP by default (TLS ends at a proxy); do not force https for sub-resources.
    upgradeInsecureRequests: null,
  };
  useSecurityHeaders(
    fastify,
    { contentSecurityPolicy: { directives: strict } },
    // The OpenAPI UI is the one page that needs inline script and style.
    {
      paths: ['/docs', '/docs/'],
      options: {
        contentSecurityPolicy: {
          directives: { ...strict, scriptSrc: [`'self'`, `'unsafe-inline'`], styleSrc: [`'self'`, `'unsafe-inline'`] },
        },
      },
    },
  );

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Parley')
      .setDescription(
        'Dispute and SLA tracker for online marketplaces. Errors are application/problem+json (RFC 9457).',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
