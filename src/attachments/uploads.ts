import multipart from '@fastify/multipart';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { problem } from '../common/problem.filter.js';
import { checkJsonShape, RequestShapeError } from '../common/request-shape.js';

/** Routes that take files (multipart/form-data) besides JSON; everywhere else a multipart body is 415. */
export const UPLOAD_ROUTES: ReadonlySet<string> = new Set(['/cases/:id/messages', '/claims/:id/messages', '/app/cases/:id/messages', '/app/claims/:id/messages']);
export const MAX_FILES = 5;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Images and PDF, as the bytes say (never the name or the declared type). */
export const ALLOWED_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'image/heic', 'application/pdf']);
/** The form fields a message upload may carry besides its files (the portal's forms add their CSRF token). */
const FIELDS = new Set(['body', 'internal', '_csrf']);

/** A file received with a message, checked and in memory until it is stored. */
export interface Upload {
  name: string;
  contentType: string;
  size: number;
  bytes: Buffer;
}

declare module 'fastify' {
  interface FastifyRequest {
    uploads?: Upload[];
  }
}

const invalid = (field: string, message: string) => new RequestShapeError([{ field, message }]);

/** A file name fit to show and to send back in Content-Disposition: no path, no control characters, at most 200 characters. */
export function safeFileName(name: string | undefined): string {
  const last = (name ?? '').split(/[\\/]/).pop()!;
  // eslint-disable-next-line no-control-regex -- control characters are what a file name must not carry
  const base = last.replace(/[\u0000-\u001f\u007f"]+/g, '').trim();
  return (base || 'attachment').slice(0, 200);
}

/**
 * Lets the message routes take `multipart/form-data`: the fields become the
 * body the usual DTO validates, and the files (at most 5, each at most 10 MB,
 * images or PDF by their bytes) wait in memory on `request.uploads` until the
 * handler stores them; nothing is stored before the whole request arrived
 * and passed, so a broken or refused upload leaves nothing behind.
 */
export async function acceptUploads(fastify: FastifyInstance): Promise<void> {
  await fastify.register(multipart, {
    limits: { fileSize: MAX_FILE_BYTES, files: MAX_FILES, fields: FIELDS.size, fieldSize: 100_000, parts: MAX_FILES + FIELDS.size, headerPairs: 100 },
    throwFileSizeLimit: true,
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    const type = request.headers['content-type']?.split(';')[0].trim().toLowerCase();
    if (type === 'multipart/form-data' && !UPLOAD_ROUTES.has(request.routeOptions.url ?? '')) {
      void reply.status(415).header('Content-Type', 'application/problem+json; charset=utf-8').send(problem(415, 'This endpoint takes application/json'));
      return;
    }
    done();
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    if (!request.isMultipart()) return done();
    readParts(request)
      .then(({ fields, uploads }) => {
        checkJsonShape(fields);
        request.body = fields;
        request.uploads = uploads;
      })
      .then(() => done(), done);
  });
}

async function readParts(request: FastifyRequest): Promise<{ fields: Record<string, unknown>; uploads: Upload[] }> {
  const fields: Record<string, unknown> = {};
  const uploads: Upload[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'attachments') throw invalid(part.fieldname, `files go in the field attachments, not ${part.fieldname}`);
        const bytes = await part.toBuffer();
        const name = safeFileName(part.filename);
        // A file input left empty in a browser's form still sends a part, with no name and no bytes.
        if (bytes.length === 0 && !part.filename) continue;
        if (bytes.length === 0) throw invalid('attachments', `${name} is empty`);
        const type = await fileTypeFromBuffer(bytes);
        if (!type || !ALLOWED_TYPES.has(type.mime)) throw invalid('attachments', `${name} is not an image or a PDF`);
        uploads.push({ name, contentType: type.mime, size: bytes.length, bytes });
      } else {
        if (!FIELDS.has(part.fieldname)) throw invalid(part.fieldname, `property ${part.fieldname} should not exist`);
        if (part.fieldname in fields) throw invalid(part.fieldname, `${part.fieldname} is given twice`);
        const value = part.value;
        fields[part.fieldname] = part.fieldname === 'internal' && (value === 'true' || value === 'false') ? value === 'true' : value;
      }
    }
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) throw error;
    // A body that ends early or is not valid multipart: the client's request, not a fault here.
    throw invalid('attachments', 'the upload is incomplete or not valid multipart/form-data');
  }
  return { fields, uploads };
}

/** The files that came with the request (none for JSON). */
export const Uploads = createParamDecorator((_: unknown, context: ExecutionContext): Upload[] => context.switchToHttp().getRequest<FastifyRequest>().uploads ?? []);
