import { marketplaceLookalike } from './display-name.js';

describe('marketplaceLookalike', () => {
  it.each([
    ['Marketplace ✓ Verified · Customer Service', 'check marks'],
    ['Bolt Gadgets ✔', 'check marks'],
    ['Gadgets ☑', 'check marks'],
    ['Gadgets 🗸', 'check marks'],
    ['Gadgets √', 'check marks'],
    ['Bolt®', '®'],
    ['Bolt™', '®'],
    ['Marketplace', '“marketplace”'],
    ['Flea Market Place', '“marketplace”'],
    ['Ｍarketplace', '“marketplace”'],
    ['Market\u200Bplace', '“marketplace”'],
    ['M\u0430rketplace', '“marketplace”'],
    ['Märketplace', '“marketplace”'],
    ['M a r k e t p l a c e', '“marketplace”'],
    ['Marketp1ace', '“marketplace”'],
    ['Parley', '“parley”'],
    ['ParleyDeals', '“parley”'],
    ['Customer Service', '“customer service”'],
    ['CUSTOMER-SERVICE', '“customer service”'],
    ['Customer Care', '“customer care”'],
    ['Help Desk', '“help desk”'],
    ['Verified Seller', '“verified”'],
    ['Ver1fied', '“verified”'],
    ['Trust & Safety', '“trust & safety”'],
    ['Trust and Safety', '“trust and safety”'],
    ['Buyer Protection', '“buyer protection”'],
    ['Support', '“support”'],
    ['Tech Supp0rt', '“support”'],
    ['S.u.p.p.o.r.t', '“support”'],
    ['Sup port', '“support”'],
    ['supportteam', '“support team”'],
    ['Billing Team', '“billing team”'],
    ['Admin', '“admin”'],
    ['Administrator', '“administrator”'],
    ['No-Reply', '“noreply”'],
  ])('refuses %s for a seller, naming %s', (name, named) => {
    expect(marketplaceLookalike(name, 'seller')).toContain(named);
    expect(marketplaceLookalike(name, 'buyer')).toContain(named);
  });

  it.each([
    'Sunset Outfitters',
    'Chloé Martin',
    'Elif Yılmaz',
    'Supportive Socks',
    'Arch Supports',
    'Badminton Club',
    'Unverified Goods',
    'Sparley Farms',
    'Official Store',
    'Care Bears Toys',
    'Team Rocket',
    'Shop 24/7',
    '日本の店',
  ])('accepts %s', (name) => {
    expect(marketplaceLookalike(name, 'seller')).toBeUndefined();
  });

  it('lets the marketplace’s own staff name their team, but not carry the marks', () => {
    expect(marketplaceLookalike('Maya (support)', 'agent')).toBeUndefined();
    expect(marketplaceLookalike('Customer service', 'admin')).toBeUndefined();
    expect(marketplaceLookalike('Maya ✓', 'agent')).toContain('check marks');
  });
});
