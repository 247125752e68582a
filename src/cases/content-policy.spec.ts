import { applyContentPolicy } from './content-policy.js';

describe('applyContentPolicy', () => {
  it.each([
    ['an email address', 'Write to me at bob.smith@example.com instead', 'Write to me at [email removed] instead', ['email']],
    ['a web link', 'See https://cheap-deals.example.net/item?id=4 for more', 'See [link removed] for more', ['link']],
    ['a bare domain', 'Buy it on evil-shop.com, it is cheaper', 'Buy it on [link removed], it is cheaper', ['link']],
    ['a US phone number', 'Call me on (415) 555-0132 tomorrow', 'Call me on [phone removed] tomorrow', ['phone']],
    ['an international phone number', 'WhatsApp +49 30 1234567', 'WhatsApp [phone removed]', ['phone']],
    ['a card number (Luhn-valid)', 'My card is 4111 1111 1111 1111, thanks', 'My card is [card removed], thanks', ['card']],
    ['an IBAN', 'Transfer to DE89 3704 0044 0532 0130 00 please', 'Transfer to [iban removed] please', ['iban']],
    ['several kinds', 'mail a@b.io or call +1 415 555 0132', 'mail [email removed] or call [phone removed]', ['email', 'phone']],
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
