import type { FastifyReply } from 'fastify';

/** `attachment; filename="…"` with an ASCII fallback and the UTF-8 name (RFC 6266). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** A file goes out as a download that a browser never renders: its sniffed type, nosniff, and a sandbox should it be opened. */
export function sendAttachment(
  reply: FastifyReply,
  file: { contentType: string; name: string; bytes: Buffer },
): Buffer {
  reply
    .header('Content-Type', file.contentType)
    .header('Content-Disposition', contentDisposition(file.name))
    .header('X-Content-Type-Options', 'nosniff')
    .header('Cache-Control', 'private, no-store')
    .header('Content-Security-Policy', "default-src 'none'; sandbox");
  return file.bytes;
}
