import { backoffMs } from './outbox-dispatcher.service.js';
import { escapeHtml, headerSafe, renderEmail } from './templates.js';

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
    const changed = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('promotions', 'notices')).toString('base64url');
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
    expect(renderEmail({ kind: 'reply_window_late', role: 'buyer', recipientName: 'B', caseSubject: 'X', replyWindow }).subject).toBe('The seller has not replied yet: “X”');
    expect(renderEmail({ kind: 'reply_window_late', role: 'seller', recipientName: 'S', caseSubject: 'X', replyWindow }).subject).toBe('Your reply is late: “X”');
  });

  it('name the days of the reply window from the policy, not a literal', () => {
    const policy = { atRiskAfterBusinessDays: 2, lateAfterBusinessDays: 3 };
    expect(renderEmail({ kind: 'reply_window_at_risk', role: 'seller', recipientName: 'S', caseSubject: 'X', replyWindow: policy }).subject).toBe(
      'Reply soon: “X” has waited 2 business days',
    );
    expect(renderEmail({ kind: 'reply_window_late', role: 'buyer', recipientName: 'B', caseSubject: 'X', replyWindow: policy }).text).toContain('within 3 business days');
    expect(
      renderEmail({ kind: 'case_opened', role: 'seller', recipientName: 'S', caseSubject: 'X', replyWindow: { atRiskAfterBusinessDays: 1, lateAfterBusinessDays: 1 } }).text,
    ).toContain('Please reply within 1 business day.');
  });
});
