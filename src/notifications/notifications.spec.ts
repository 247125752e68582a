import { backoffMs } from './outbox-dispatcher.service.js';
import { escapeHtml, headerSafe, noticeText, renderEmail } from './templates.js';

const replyWindow = { atRiskAfterBusinessDays: 1, lateAfterBusinessDays: 2 };
import { signUnsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token.js';

describe('backoffMs', () => {
  it('doubles per attempt with jitter between half and all of the ceiling, capped at six hours', () => {
    expect(backoffMs(1, () => 0)).toBe(15_000);
    expect(backoffMs(1, () => 1)).toBe(30_000);
    expect(backoffMs(4, () => 1)).toBe(240_000);
    expect(backoffMs(30, () => 1)).toBe(6 * 3_600_000);
  });
});

describe('unsubscribe tokens', () => {
  const now = new Date('2026-03-02T00:00:00Z');
  const token = signUnsubscribeToken('secret', { userId: 'u-1', category: 'promotions' }, now);

  it('verify with the same secret before they expire', () => {
    expect(verifyUnsubscribeToken('secret', token, now)).toEqual({ userId: 'u-1', category: 'promotions' });
    expect(verifyUnsubscribeToken('secret', token, new Date('2026-08-28T00:00:00Z'))).toBeDefined();
    expect(verifyUnsubscribeToken('secret', token, new Date('2026-08-30T00:00:00Z'))).toBeUndefined();
  });

  it('refuse another secret, a changed payload and garbage', () => {
    expect(verifyUnsubscribeToken('other', token, now)).toBeUndefined();
    const [payload, mac] = token.split('.');
    const changed = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('promotions', 'notices')).toString(
      'base64url',
    );
    expect(verifyUnsubscribeToken('secret', `${changed}.${mac}`, now)).toBeUndefined();
    expect(verifyUnsubscribeToken('secret', 'garbage', now)).toBeUndefined();
    expect(verifyUnsubscribeToken('secret', `${token}.extra`, now)).toBeUndefined();
  });
});

describe('templates', () => {
  it('escape user text in HTML and keep headers to one clean line', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(headerSafe('Hi\r\nBcc: evil@example.com\u0000')).toBe('Hi Bcc: evil@example.com');
    expect(headerSafe('x'.repeat(300), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('render both parts with the case link and, when given, the unsubscribe link', () => {
    const email = renderEmail({
      kind: 'new_message',
      role: 'buyer',
      recipientName: 'Ada',
      caseSubject: 'Size <M>?',
      caseUrl: 'https://parley.example/cases/1',
      messageExcerpt: 'Yes & no',
      unsubscribeUrl: 'https://parley.example/unsubscribe?token=t',
      replyWindow,
    });
    expect(email.subject).toBe('New message about “Size <M>?”');
    expect(email.text).toContain('Yes & no');
    expect(email.text).toContain('https://parley.example/cases/1');
    expect(email.html).toContain('Size &lt;M&gt;?');
    expect(email.html).toContain('Yes &amp; no');
    expect(email.html).toContain('href="https://parley.example/unsubscribe?token=t"');
  });

  it('word the late notice for each party', () => {
    expect(
      renderEmail({ kind: 'reply_window_late', role: 'buyer', recipientName: 'B', caseSubject: 'X', replyWindow })
        .subject,
    ).toBe('The seller has not replied yet: “X”');
    expect(
      renderEmail({ kind: 'reply_window_late', role: 'seller', recipientName: 'S', caseSubject: 'X', replyWindow })
        .subject,
    ).toBe('Your reply is late: “X”');
  });

  it('name the days of the reply window from the policy, not a literal', () => {
    const policy = { atRiskAfterBusinessDays: 2, lateAfterBusinessDays: 3 };
    expect(
      renderEmail({
        kind: 'reply_window_at_risk',
        role: 'seller',
        recipientName: 'S',
        caseSubject: 'X',
        replyWindow: policy,
      }).subject,
    ).toBe('Reply soon: “X” has waited 2 business days');
    expect(
      renderEmail({
        kind: 'reply_window_late',
        role: 'buyer',
        recipientName: 'B',
        caseSubject: 'X',
        replyWindow: policy,
      }).text,
    ).toContain('within 3 business days');
    expect(
      renderEmail({
        kind: 'case_opened',
        role: 'seller',
        recipientName: 'S',
        caseSubject: 'X',
        replyWindow: { atRiskAfterBusinessDays: 1, lateAfterBusinessDays: 1 },
      }).text,
    ).toContain('Please reply within 1 business day.');
  });
});

describe('claim templates', () => {
  const base = {
    recipientName: 'Ana',
    replyWindow,
    claimUrl: 'https://parley.example/claims/c-1',
    claimReason: 'damaged_or_defective',
  };
  const kinds = [
    ['claim_filed', 'seller', 'A buyer filed a claim: please respond'],
    ['claim_filed', 'buyer', 'Your claim was filed'],
    ['claim_message', 'buyer', 'New message on your claim (damaged or defective)'],
    ['claim_info_requested', 'buyer', 'We need more information about a claim'],
    ['claim_no_seller_response', 'seller', 'A claim was granted: no response from you'],
    ['claim_decided', 'buyer', 'Decision on your claim: granted'],
    ['claim_appealed', 'seller', 'A claim was appealed'],
    ['claim_appeal_decided', 'buyer', 'Appeal decided: the decision was reversed'],
    ['claim_refunded_by_seller', 'buyer', 'The seller refunded your order'],
    ['claim_withdrawn', 'seller', 'A claim was withdrawn'],
  ] as const;

  it.each(kinds)('%s to the %s: says what happened and links to the claim', (kind, role, subject) => {
    const email = renderEmail({
      ...base,
      kind,
      role,
      outcome: 'granted',
      appealOutcome: 'reversed',
      infoFrom: 'buyer',
      dueAt: '2026-03-08T18:00:00.000Z',
    });
    expect(email.subject).toBe(subject);
    expect(email.text).toContain('Open the claim: https://parley.example/claims/c-1');
    expect(email.html).toContain('<a href="https://parley.example/claims/c-1">Open the claim</a>');
  });

  it('names the refund in the currency’s own format and who funds it; escapes what users wrote', () => {
    const email = renderEmail({
      ...base,
      kind: 'claim_decided',
      role: 'seller',
      outcome: 'granted',
      funding: 'marketplace',
      money: { amount: 2599, currency: 'USD' },
      dueAt: '2026-04-01T00:00:00.000Z',
    });
    expect(email.text).toContain('Refund: $25.99, funded by the marketplace.');
    // Written to the seller, who may appeal a grant: "you", not "the seller"; the instant in UTC when no zone is given.
    expect(email.text).toMatch(/\nYou may appeal until Wed,? 1 Apr 2026,? 00:00 UTC\./);
    expect(
      renderEmail({
        ...base,
        kind: 'claim_refunded_by_seller',
        role: 'buyer',
        money: { amount: 1500, currency: 'JPY' },
      }).text,
    ).toContain('¥1,500');
    const message = renderEmail({
      ...base,
      kind: 'claim_message',
      role: 'buyer',
      messageExcerpt: '<script>alert(1)</script>',
    });
    expect(message.html).toContain('&lt;script&gt;');
    expect(message.html).not.toContain('<script>');
  });

  it('names money in its currency’s own decimals, and leaves out money a stored payload gets wrong', () => {
    const filed = (money: unknown) =>
      noticeText(
        'claim_filed',
        { role: 'seller', reason: 'damaged_or_defective', money },
        new Date('2026-03-02T00:00:00Z'),
        false,
      ).text;
    expect(
      renderEmail({ ...base, kind: 'claim_filed', role: 'seller', money: { amount: 5000, currency: 'JPY' } }).text,
    ).toContain('about an order for ¥5,000.');
    expect(
      renderEmail({ ...base, kind: 'claim_filed', role: 'seller', money: { amount: 1250, currency: 'KWD' } }).text,
    ).toContain('about an order for KWD\u00a01.250.');
    expect(filed({ amount: 5000, currency: 'JPY' })).toContain('about an order for ¥5,000.');
    for (const wrong of [
      { amount: 12.5, currency: 'USD' },
      { amount: 100, currency: 'usd' },
      { amount: '100', currency: 'USD' },
      null,
    ])
      expect(filed(wrong)).toContain('about an order.');
  });
});
