import { safeFileName } from './file-names.js';

describe('safeFileName', () => {
  it.each([
    ['crack.png', 'png', 'crack.png', true],
    ['invoice.hta', 'png', 'invoice.png', true],
    ['invoice\u202egnp.hta', 'png', 'invoicegnp.png', true],
    ['photo.JPEG', 'jpg', 'photo.JPEG', true],
    ['scan', 'pdf', 'scan.pdf', true],
    ['report.final version', 'pdf', 'report.final version.pdf', true],
    ['C:\\Users\\me\\receipt.pdf', 'pdf', 'receipt.pdf', true],
    ['../../etc/passwd', 'png', 'passwd.png', true],
    ['"quoted".gif', 'gif', 'quoted.gif', true],
    ['zero\u200bwidth\ufeff.webp', 'webp', 'zerowidth.webp', true],
    ['', 'png', 'attachment.png', true],
    ['line\nbreak.png', 'png', 'linebreak.png', false],
    ['bell\u0007.png', 'png', 'bell.png', false],
    ['\u202e\u200b', 'png', 'attachment.png', false],
    ['...', 'pdf', 'attachment.pdf', false],
    [`${'a'.repeat(300)}.png`, 'png', `${'a'.repeat(196)}.png`, true],
  ])('%j as %s → %j (safe: %s)', (given, ext, name, safe) => {
    expect(safeFileName(given, ext)).toEqual({ name, safe });
  });
});
