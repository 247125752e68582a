import { applyContentPolicy } from './content-policy.js';

describe('applyContentPolicy', () => {
  it.each([
    [
      'an email address',
      'Write to me at bob.smith@example.com instead',
      'Write to me at [email removed] instead',
      ['email'],
    ],
    ['a web link', 'See https://cheap-deals.example.net/item?id=4 for more', 'See [link removed] for more', ['link']],
    ['a bare domain', 'Buy it on evil-shop.com, it is cheaper', 'Buy it on [link removed], it is cheaper', ['link']],
    ['a US phone number', 'Call me on (415) 555-0132 tomorrow', 'Call me on [phone removed] tomorrow', ['phone']],
    ['an international phone number', 'WhatsApp +49 30 1234567', 'WhatsApp [phone removed]', ['phone']],
    [
      'a card number (Luhn-valid)',
      'My card is 4111 1111 1111 1111, thanks',
      'My card is [card removed], thanks',
      ['card'],
    ],
    ['an IBAN', 'Transfer to DE89 3704 0044 0532 0130 00 please', 'Transfer to [iban removed] please', ['iban']],
    [
      'several kinds',
      'mail a@b.io or call +1 415 555 0132',
      'mail [email removed] or call [phone removed]',
      ['email', 'phone'],
    ],
  ])('masks %s', (_, text, masked, kinds) => {
    const result = applyContentPolicy(text);
    expect(result.masked).toBe(masked);
    expect(result.maskedKinds).toEqual(kinds);
    expect(result.quarantine).toBe(false);
  });

  it.each([
    ['Where is my parcel? It was due on Monday.'],
    ['Order 112-3456789 arrived damaged, the box was wet.'],
    ['The item number 4111 1111 1111 1112 is printed on the label'],
    ['I paid 12.50 USD on 2026-03-02, e.g. for shipping.'],
    ['Is the password manager app compatible with my phone?'],
  ])('leaves ordinary text alone: %s', (text) => {
    const result = applyContentPolicy(text);
    expect(result.masked).toBe(text);
    expect(result.maskedKinds).toEqual([]);
    expect(result.quarantine).toBe(false);
  });

  it.each([
    ['Please send me your password so I can check the account', ['credentials_request']],
    ["What's your login details for the store?", ['credentials_request']],
    ['Reply with the verification code you just received', ['credentials_request']],
    ['Give me your card number and the CVV to refund you', ['payment_request']],
    ['You can pay me directly via PayPal, cheaper for both of us', ['payment_request']],
    ['Provide your bank details and your password', ['credentials_request', 'payment_request']],
  ])('quarantines a request for credentials or payment: %s', (text, requests) => {
    const result = applyContentPolicy(text);
    expect(result.requests).toEqual(requests);
    expect(result.quarantine).toBe(true);
  });
});

describe('applyContentPolicy against obfuscation', () => {
  it.each([
    ['an address spelled out', 'write bob at example dot com', ['email']],
    ['an address in brackets', 'write bob [at] example [dot] com today', ['email']],
    ['a full-width address', 'write bob＠example．com today', ['email']],
    ['a defanged domain', 'see evil[.]com for the real price', ['link']],
    ['a defanged scheme', 'go to hxxps://evil.example/deal', ['link']],
    ['a link with zero-width spaces', 'go to https://evil\u200b.example/deal', ['link']],
    ['a card number with zero-width spaces', 'card 4111\u200b1111\u200b1111\u200b1111 ok', ['card']],
    ['a card number in full-width digits', 'card ４１１１ １１１１ １１１１ １１１１ ok', ['card']],
    ['a messenger handle', 'message me on telegram @bob_deals', ['handle']],
    ['a bank routing and account number', 'routing 021000021 account 123456789012', ['bank']],
  ])('masks %s', (_, text, kinds) => {
    const result = applyContentPolicy(text);
    expect(result.maskedKinds).toEqual(kinds);
    expect(result.masked).toContain(`[${kinds[0]} removed]`);
  });

  it('detects a credentials request written in full-width letters', () => {
    expect(applyContentPolicy('ｓｅｎｄ me your ｐａｓｓｗｏｒｄ').requests).toEqual(['credentials_request']);
  });

  it('drops bidi overrides and zero-width characters from what the other party sees', () => {
    const result = applyContentPolicy('invoice\u202Efdp.exe is attached\u200b');
    expect(result.masked).toBe('invoicefdp.exe is attached');
  });

  // Ordinary messages about sizes, dates, prices, order numbers and being at home stay as written.
  it.each([
    "I'll be at home on Friday after 5pm.",
    'Size 10.5 or 11, in the 2-pack.',
    'It cost $24.99 plus $5.00 shipping on 03/02/2026.',
    'Order #112-3456789-1234567 still shows as processing.',
    'The box is 30 x 20 x 10 cm and weighs 2.5 kg.',
    'Can you ship it by 12.03.2026? I am at work until 18:00.',
    'The model number is A2338, version 1.2.3.',
    'We met at the store at 10 am.',
    'Batch 2024-11-05, lot 445566.',
    'I rated it 4.5 stars and wrote a review.',
    'Tracking says delivered at 14:32 but nothing at the door.',
    'Is it available in size XL? Thanks, Anna.',
  ])('leaves ordinary text alone: %s', (text) => {
    const result = applyContentPolicy(text);
    expect(result.masked).toBe(text);
    expect(result.maskedKinds).toEqual([]);
    expect(result.quarantine).toBe(false);
  });
});

describe('applyContentPolicy on overlapping findings', () => {
  it.each([
    [
      'a link whose path ends in an IBAN',
      'see hxxps://evil.example/deal/GB29NWBK60161331926819 now',
      'see [iban removed] now',
    ],
    [
      'a phone number just before a card number',
      'call +44 20 7946 0958, ４１１１ １１１１ １１１１ １１１１',
      'call [card removed]',
    ],
  ])('masks all of %s', (_, text, masked) => {
    expect(applyContentPolicy(text).masked).toBe(masked);
  });
});

describe('applyContentPolicy in time linear in the text', () => {
  const fill = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  /**
   * The least processor time of 5 runs, in ms: what blocks the event loop on an idle machine, measured so that
   * it does not grow while other processes (a browser, PostgreSQL, other test files) have the processor.
   */
  const work = (text: string) => {
    let least = Infinity;
    for (let run = 0; run < 5; run++) {
      const start = process.cpuUsage();
      applyContentPolicy(text);
      const used = process.cpuUsage(start);
      least = Math.min(least, (used.user + used.system) / 1000);
    }
    return least;
  };

  // Texts that made the patterns retry long runs (hundreds of milliseconds at 10,000 characters), made linkify-it or
  // libphonenumber-js search every character, or expand 18-fold under NFKC.
  it.each([
    ['digits and dashes', (n: number) => fill('1-', n)],
    ['digits and spaces', (n: number) => fill('2 ', n)],
    ['phone numbers', (n: number) => fill('415 555 0132 ', n)],
    ['exit codes', (n: number) => fill('[011011 at ', n)],
    ['dots and letters', (n: number) => fill('a.', n)],
    ['a hyphenated word', (n: number) => fill('a-', n)],
    ['one long word', (n: number) => fill('a', n)],
    ['an IBAN-like word', (n: number) => fill('AB12', n)],
    ['at signs', (n: number) => fill('@', n)],
    ['letters and at signs', (n: number) => fill('a@', n)],
    ['spaces', (n: number) => fill(' ', n)],
    ['a label and spaces', (n: number) => `account${' '.repeat(n - 8)}x`],
    ['signs before a domain', (n: number) => fill('=a.', n)],
    ['plus signs', (n: number) => fill('+2', n)],
    ['schemas', (n: number) => fill('http://', n)],
    ['links', (n: number) => fill('a.com ', n)],
    ['email addresses', (n: number) => fill('a@b.co ', n)],
    ['spelled addresses', (n: number) => fill('bob at example dot com ', n)],
    ['a ligature', (n: number) => fill('\ufdfa', n)],
    ['a mix', (n: number) => fill('a.1@b-2 ', n)],
  ])('checks 10,000 characters of %s in under 50 ms, and 4 times as many in less than 10 times as long', (_, text) => {
    const short = work(text(10_000));
    // A few milliseconds on a quiet machine; the bound leaves room for a loaded one (the old code took up to 600 ms).
    expect(short).toBeLessThan(50);
    // Linear is 4 times (5–6 with the collector's share), quadratic 16; under 2 ms the collector's share is most of it.
    // The best of three pairs: a collection landing in one pair on a busy machine passes 10 now and then (10.3 once
    // in CI), a quadratic cost stays at 16 in every pair.
    let growth = Infinity;
    for (let pair = 0; pair < 3 && growth >= 10; pair++)
      growth = Math.min(growth, work(text(40_000)) / Math.max(pair === 0 ? short : work(text(10_000)), 2));
    expect(growth).toBeLessThan(10);
  });
});
