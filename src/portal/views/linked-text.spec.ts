import { linkParts } from './linked-text.js';

describe('linkParts', () => {
  it.each([
    [
      'a link in a sentence, its full stop left out',
      'See https://help.example.com/returns.',
      [
        { text: 'See ' },
        { text: 'https://help.example.com/returns', href: 'https://help.example.com/returns' },
        { text: '.' },
      ],
    ],
    [
      'an http link with a query',
      'http://shop.example/a?b=1&c=2 now',
      [{ text: 'http://shop.example/a?b=1&c=2', href: 'http://shop.example/a?b=1&c=2' }, { text: ' now' }],
    ],
    ['a javascript: address', 'click javascript:alert(1)', [{ text: 'click javascript:alert(1)' }]],
    [
      'a data: address',
      'data:text/html,<script>alert(1)</script>',
      [{ text: 'data:text/html,<script>alert(1)</script>' }],
    ],
    ['a bare domain', 'go to evil.example.com today', [{ text: 'go to evil.example.com today' }]],
    ['an email address', 'write to a@b.example', [{ text: 'write to a@b.example' }]],
    [
      'mailto and ftp',
      'mailto:a@b.example ftp://files.example/x',
      [{ text: 'mailto:a@b.example ftp://files.example/x' }],
    ],
    ['a protocol-relative address', 'see //evil.example/x', [{ text: 'see //evil.example/x' }]],
    ['no text', '', []],
  ])('%s', (_, text, parts) => {
    expect(linkParts(text)).toEqual(parts);
  });

  it('keeps quotes and angle brackets of an address as text a browser escapes, and the href encoded', () => {
    const parts = linkParts('https://x.example/"><script>alert(1)</script>');
    const link = parts.find((part) => 'href' in part) as { text: string; href: string };
    expect(link.href.startsWith('https://x.example/')).toBe(true);
    expect(link.href).not.toMatch(/["<>]/);
    expect(parts.map((part) => part.text).join('')).toBe('https://x.example/"><script>alert(1)</script>');
  });

  it('gives back the whole text, links and all, for any text', () => {
    for (const text of [
      'a https://x.example b https://y.example/c?d#e f',
      'HTTPS://X.EXAMPLE',
      'https://',
      'x https:// y',
    ])
      expect(
        linkParts(text)
          .map((part) => part.text)
          .join(''),
      ).toBe(text);
  });
});
