import multipart from '@fastify/multipart';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Caller } from '../auth/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { problem } from '../common/problem.filter.js';
import { checkJsonShape, RequestShapeError } from '../common/request-shape.js';
import { CSRF_FIELD, CSRF_HEADER, PAGE_FIELD } from '../auth/browser-session.js';
import { isPortalRoute } from '../common/portal-routes.js';
import { safeFileName } from './file-names.js';

/** Routes that take files (multipart/form-data) besides JSON; everywhere else a multipart body is 415. */
export const UPLOAD_ROUTES: ReadonlySet<string> = new Set([
  '/cases/:id/messages',
  '/claims/:id/messages',
  '/app/cases/:id/messages',
  '/app/claims/:id/messages',
]);
export const MAX_FILES = 5;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Images and PDF, as the bytes say (never the name or the declared type). */
export const ALLOWED_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/heic',
  'application/pdf',
]);
/** The form fields a message upload may carry besides its files (the portal's forms add their CSRF token). */
const FIELDS = new Set(['body', 'internal', CSRF_FIELD, PAGE_FIELD]);
/** Uploads one user may have arriving at once on an instance, so no one can hold every slot of UPLOAD_CONCURRENCY. */
export const UPLOADS_PER_USER = 2;
/** How long the files of a request whose client left mid-handler wait before they are removed. */
const ABANDONED_SPOOL_MS = 60_000;
/** As many bytes as file-type reads to recognise any of the allowed types. */
const SNIFF_BYTES = 4100;

/** A file received with a message: checked, and waiting in the spool folder until the handler stores it. */
export interface Upload {
  name: string;
  contentType: string;
  size: number;
  /** The spooled bytes; removed when the request ends, whether or not they were stored. */
  path: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    uploads?: Upload[];
    /** Why a portal form's upload was refused, for the portal's HtmlPages guard to raise (raiseUploadRefusal). */
    uploadRefusal?: Error;
  }
}

/** What the upload hook asks before it reads a byte of a body. */
export interface UploadGate {
  /** The signed-in caller, or undefined. */
  callerOf(request: FastifyRequest): Promise<Caller | undefined>;
  /** Whether `token` is the CSRF token of the caller's portal session. */
  carriesCsrf(caller: Caller, token: unknown): boolean;
  /** Throws the posting limit's 429 when the caller may not post now (without counting a post). */
  admit(caller: Caller): Promise<void>;
  /** Throws 404 unless the caller may see the case or claim of the upload route `route` with `id`. */
  mayPostTo(caller: Caller, route: string, id: string): Promise<void>;
  /** Where files wait between arriving and being stored. */
  spool: string;
  /** Uploads this instance reads at once. */
  concurrency: number;
}

const invalid = (field: string, message: string) => new RequestShapeError([{ field, message }]);

/** A refusal before the body is read: the connection is closed after it, so the rest of the body is never taken in. */
function refuseUnread(reply: FastifyReply, error: Error): Error {
  void reply.header('Connection', 'close');
  return error;
}

/**
 * Lets the message routes take `multipart/form-data`. Before a byte of the
 * body is read, the caller must be signed in, allowed to post now, and one of
 * at most `concurrency` uploads this instance reads at once (503 beyond);
 * otherwise the answer goes out at once and the connection is closed. Then
 * the fields become the body the usual DTO validates, and each file (at most
 * 5, each at most 10 MB, an image or PDF by its first bytes) streams to the
 * spool folder as it arrives, refused the moment it breaks a rule. A
 * portal form must carry its CSRF token (header, or a field before its
 * files). Spooled files are removed when the response ends; the handler
 * moves those it keeps into the attachment store first.
 */
export async function acceptUploads(fastify: FastifyInstance, gate: UploadGate): Promise<void> {
  await fastify.register(multipart, {
    limits: {
      fileSize: MAX_FILE_BYTES,
      files: MAX_FILES,
      fields: FIELDS.size,
      fieldSize: 100_000,
      parts: MAX_FILES + FIELDS.size,
      headerPairs: 100,
    },
    throwFileSizeLimit: true,
  });
  let reading = 0;
  const readingBy = new Map<string, number>();
  fastify.addHook('onRequest', (request, reply, done) => {
    const type = request.headers['content-type']?.split(';')[0].trim().toLowerCase();
    if (type === 'multipart/form-data' && !UPLOAD_ROUTES.has(request.routeOptions.url ?? '')) {
      void reply
        .status(415)
        .header('Content-Type', 'application/problem+json; charset=utf-8')
        .send(problem(415, 'This endpoint takes application/json'));
      return;
    }
    done();
  });
  // Callback-style where there is nothing to wait for: a JSON message (the reply path) pays no promise for this hook.
  fastify.addHook('preValidation', (request, reply, done) => {
    if (!request.isMultipart()) return done();
    admitUpload(request, reply).then(
      () => done(),
      (error: Error) => {
        if (!isPortalRoute(request.routeOptions.url)) return done(error);
        // A portal form's refusal is a page: raised after the portal's guard, where its filter answers (raiseUploadRefusal).
        request.uploadRefusal = error;
        request.body = {};
        done();
      },
    );
  });
  const admitUpload = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const portal = isPortalRoute(request.routeOptions.url);
    const caller = await gate.callerOf(request);
    if (!caller) {
      if (!portal) void reply.header('WWW-Authenticate', 'Bearer');
      throw refuseUnread(
        reply,
        new DomainError('unauthorized', portal ? 'Please sign in' : 'A valid bearer access token is required'),
      );
    }
    const header = request.headers[CSRF_HEADER];
    if (portal && header !== undefined && !gate.carriesCsrf(caller, header)) throw refuseUnread(reply, expiredForm());
    try {
      await gate.admit(caller);
      // A case or claim the caller cannot see is 404 before its files cost anything.
      await gate.mayPostTo(caller, request.routeOptions.url!, (request.params as { id: string }).id);
    } catch (error) {
      throw refuseUnread(reply, error as Error);
    }
    const mine = readingBy.get(caller.id) ?? 0;
    if (mine >= UPLOADS_PER_USER) {
      throw refuseUnread(
        reply,
        new DomainError('rate_limited', 'Your other uploads are still arriving; send this one when they are done', {
          retryAfterSeconds: 5,
        }),
      );
    }
    if (reading >= gate.concurrency) {
      throw refuseUnread(
        reply,
        new DomainError('unavailable', 'Too many uploads are arriving right now; try again in a few seconds', {
          retryAfterSeconds: 5,
        }),
      );
    }
    reading += 1;
    readingBy.set(caller.id, mine + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      reading -= 1;
      const left = (readingBy.get(caller.id) ?? 1) - 1;
      if (left > 0) readingBy.set(caller.id, left);
      else readingBy.delete(caller.id);
    };
    request.raw.once('close', release);
    const uploads: Upload[] = [];
    request.uploads = uploads;
    let handed = false;
    reply.raw.once('close', () => {
      const remove = () => void Promise.all(uploads.map((upload) => rm(upload.path, { force: true })));
      // Never handed over, or answered: nothing uses the files any more. Gone mid-handler: let the handler finish first (the collector takes any left).
      if (!handed || reply.raw.writableFinished) remove();
      else setTimeout(remove, ABANDONED_SPOOL_MS).unref();
    });
    try {
      const csrf = portal && header === undefined ? (token: unknown) => gate.carriesCsrf(caller, token) : undefined;
      request.body = await readParts(request, gate.spool, uploads, csrf);
      handed = true;
    } catch (error) {
      void reply.header('Connection', 'close');
      throw error;
    } finally {
      release();
    }
  };
}

const expiredForm = () =>
  new DomainError('forbidden', 'This form has expired or did not come from this site; reload the page and try again');

/**
 * Reads the parts in order: fields into the body, files streamed to the
 * spool. With `csrf`, the form's token field must come before any file.
 */
async function readParts(
  request: FastifyRequest,
  spool: string,
  uploads: Upload[],
  csrf?: (token: unknown) => boolean,
): Promise<Record<string, unknown>> {
  const fields: Record<string, unknown> = {};
  let vouched = csrf === undefined;
  const headers = watchPartHeaders(request);
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (!vouched) throw expiredForm();
        if (part.fieldname !== 'attachments')
          throw invalid(part.fieldname, `files go in the field attachments, not ${part.fieldname}`);
        const upload = await spoolFile(part.file, part.filename, spool, uploads);
        if (upload && part.file.truncated)
          throw Object.assign(new Error(`Each file may be at most ${MAX_FILE_BYTES / 1024 / 1024} MB`), {
            statusCode: 413,
          });
      } else {
        if (!FIELDS.has(part.fieldname)) throw invalid(part.fieldname, `property ${part.fieldname} should not exist`);
        if (part.fieldname in fields) throw invalid(part.fieldname, `${part.fieldname} is given twice`);
        const value = part.value;
        if (part.fieldname === CSRF_FIELD && csrf) {
          if (!csrf(value)) throw expiredForm();
          vouched = true;
        }
        fields[part.fieldname] =
          part.fieldname === 'internal' && (value === 'true' || value === 'false') ? value === 'true' : value;
      }
    }
  } catch (error) {
    // A failure to write the spool (a full disk, permissions) is the server's, not the client's: a 500, logged.
    if (error instanceof DomainError || (error as NodeJS.ErrnoException).syscall !== undefined) throw error;
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) throw error;
    // A body that ends early or is not valid multipart: the client's request, not a fault here.
    throw invalid('attachments', 'the upload is incomplete or not valid multipart/form-data');
  } finally {
    headers.stop();
  }
  if (headers.malformed)
    throw invalid(
      'attachments',
      'A file’s name has a line break, which a file name cannot have; rename the file and try again',
    );
  checkJsonShape(fields);
  return fields;
}

const HEADER_LINE = /^[!#-'*+.0-9A-Z^-z|~-]+:[^\r\n]*$/;
const MAX_HEADER_BLOCK = 16 * 1024;

/**
 * Watches the raw multipart body for part headers the parser would skip
 * without a word: busboy drops a part whose name holds a line break, so a
 * file would vanish from a message that is still posted. Looks only at the
 * header blocks after each delimiter; linear in the body.
 */
function watchPartHeaders(request: FastifyRequest): { malformed: boolean; stop(): void } {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(request.headers['content-type'] ?? '');
  const state = { malformed: false, stop: () => undefined as void };
  if (!boundary) return state;
  const delimiter = Buffer.from(`\r\n--${boundary[1] ?? boundary[2]}`);
  // The body's first delimiter has no line break before it.
  let carry = Buffer.from('\r\n');
  let header: Buffer | null = null;
  const check = (block: Buffer) => {
    const lines = block.toString('latin1').split('\r\n');
    // What follows a delimiter up to its line break is the delimiter's own line (padding, or "--" at the end).
    if (lines.slice(1).some((line) => !HEADER_LINE.test(line))) state.malformed = true;
  };
  const onData = (chunk: Buffer) => {
    let data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    carry = Buffer.alloc(0);
    for (;;) {
      if (header) {
        const block: Buffer = Buffer.concat([header, data]);
        // "--" after a delimiter closes the body: what follows (an epilogue) has no part headers.
        if (block.length >= 2 && block.toString('latin1', 0, 2) === '--') return state.stop();
        const end = block.indexOf('\r\n\r\n');
        if (end === -1) {
          header = block.length > MAX_HEADER_BLOCK ? null : block;
          return;
        }
        check(block.subarray(0, end));
        header = null;
        data = block.subarray(end + 4);
        continue;
      }
      const at = data.indexOf(delimiter);
      if (at === -1) {
        carry = Buffer.from(data.subarray(Math.max(0, data.length - delimiter.length + 1)));
        return;
      }
      header = Buffer.alloc(0);
      data = data.subarray(at + delimiter.length);
    }
  };
  request.raw.on('data', onData);
  state.stop = () => void request.raw.off('data', onData);
  return state;
}

/**
 * Streams one file to the spool, judging its type by its first bytes as soon
 * as they are in (a file that is not an image or PDF is refused then, not
 * after 10 MB); undefined for the empty part a browser sends for a file
 * input left empty.
 */
async function spoolFile(
  file: Readable,
  filename: string | undefined,
  spool: string,
  uploads: Upload[],
): Promise<Upload | undefined> {
  const given = filename ?? '';
  const chunks = (file as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let ended = false;
  try {
    while (head.length < SNIFF_BYTES) {
      const next = await chunks.next();
      if (next.done) {
        ended = true;
        break;
      }
      head = Buffer.concat([head, next.value]);
    }
    if (head.length === 0 && !given) return undefined;
    const type = head.length > 0 ? await fileTypeFromBuffer(head) : undefined;
    const named = safeFileName(given, type?.ext);
    if (head.length === 0) throw invalid('attachments', `${named.name} is empty`);
    if (!type || !ALLOWED_TYPES.has(type.mime)) throw invalid('attachments', `${named.name} is not an image or a PDF`);
    if (!named.safe)
      throw invalid(
        'attachments',
        `A file’s name (${named.name}) has characters a file name cannot have; rename the file and try again`,
      );
    await mkdir(spool, { recursive: true });
    const upload: Upload = { name: named.name, contentType: type.mime, size: 0, path: join(spool, randomUUID()) };
    uploads.push(upload);
    async function* all(): AsyncGenerator<Buffer> {
      upload.size += head.length;
      yield head;
      for (let next = ended ? undefined : await chunks.next(); next && !next.done; next = await chunks.next()) {
        upload.size += next.value.length;
        yield next.value;
      }
    }
    await pipeline(Readable.from(all()), createWriteStream(upload.path, { flags: 'wx' }));
    return upload;
  } catch (error) {
    // Leaving a part unread would stall the parser: end it.
    if (!ended) file.destroy();
    throw error;
  }
}

/** The files that came with the request (none for JSON). */
export const Uploads = createParamDecorator(
  (_: unknown, context: ExecutionContext): Upload[] =>
    context.switchToHttp().getRequest<FastifyRequest>().uploads ?? [],
);

/**
 * Raises a portal form's upload refusal after the portal's guard and before
 * its pipes (the portal's HtmlPages guard calls this), so the portal's filter
 * shows it as it shows any refused form (a signed-out browser is sent to sign
 * in); the JSON API's refusals are answered by the hook itself.
 */
export function raiseUploadRefusal(request: FastifyRequest): void {
  if (request.uploadRefusal) throw request.uploadRefusal;
}
