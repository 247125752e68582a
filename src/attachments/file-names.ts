/** The extensions a file of each sniffed type may keep (file-type names one; people write others). */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  jpg: ['jpg', 'jpeg', 'jpe', 'jfif'],
  png: ['png'],
  gif: ['gif'],
  webp: ['webp'],
  avif: ['avif'],
  heic: ['heic', 'heif'],
  pdf: ['pdf'],
};

// eslint-disable-next-line no-control-regex -- control characters are what a file name must not carry
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- the same, to remove them
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
/** Bidi controls and zero-width characters: they make a name read differently from what it is ("invoice\u202egnp.hta"). */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const MAX_LENGTH = 200;

/** The extension each allowed type is served with. */
export const EXTENSION_OF: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/heic': 'heic',
  'application/pdf': 'pdf',
};

/**
 * A file name fit to store, show and send back in Content-Disposition: the
 * last path segment, without quotes, control, bidi or zero-width characters,
 * at most 200 characters, and ending in the extension of the type its bytes
 * have (`ext`, from file-type), so a PNG named `invoice.hta` is served as
 * `invoice.png`. `safe` is false when the name carried line breaks or other
 * control characters, or nothing readable is left of it: such a file is
 * refused, never stored under a name its sender did not choose.
 */
export function safeFileName(given: string, ext: string | undefined): { name: string; safe: boolean } {
  const last = given.split(/[\\/]/).pop()!;
  const controls = CONTROL.test(last);
  const cleaned = last.normalize('NFC').replace(CONTROLS, '').replace(INVISIBLE, '').replace(/"/g, '').trim();
  const readable = /[\p{L}\p{N}]/u.test(cleaned);
  let base = readable ? cleaned : 'attachment';
  if (ext) {
    const dot = base.lastIndexOf('.');
    const current = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
    const kept = (ALIASES[ext] ?? [ext]).includes(current);
    if (!kept) base = `${dot > 0 && /^[A-Za-z0-9]{1,10}$/.test(current) ? base.slice(0, dot) : base}.${ext}`;
    const suffix = base.slice(base.lastIndexOf('.'));
    if (base.length > MAX_LENGTH) base = base.slice(0, MAX_LENGTH - suffix.length) + suffix;
  } else {
    base = base.slice(0, MAX_LENGTH);
  }
  return { name: base, safe: !controls && (readable || given.trim() === '') };
}
