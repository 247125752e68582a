import { minorDigits, type Money } from '../common/money.js';

/** The password of every demo account (printed at start). */
export const DEMO_PASSWORD = 'parley-demo-2026';
/** The demo's story starts here, a Monday; the simulated clock ends about five weeks later. */
export const DEMO_START = '2026-02-02T16:00:00Z';

interface Account {
  id: string;
  email: string;
  role: string;
  name: string;
  token: string;
}

const SELLERS = [
  {
    name: 'Sunset Outfitters',
    email: 'sunset@demo.parley',
    timeZone: 'America/Los_Angeles',
    country: 'US',
    subdivision: 'CA',
    currency: 'USD',
  },
  {
    name: 'Alpenhaus Munich',
    email: 'alpenhaus@demo.parley',
    timeZone: 'Europe/Berlin',
    country: 'DE',
    subdivision: 'BY',
    currency: 'EUR',
  },
  { name: 'Sakura Stationery', email: 'sakura@demo.parley', timeZone: 'Asia/Tokyo', country: 'JP', currency: 'JPY' },
  {
    name: 'Thames Tech',
    email: 'thames@demo.parley',
    timeZone: 'Europe/London',
    country: 'GB',
    subdivision: 'ENG',
    currency: 'GBP',
  },
  {
    name: 'Harbour Home',
    email: 'harbour@demo.parley',
    timeZone: 'Australia/Sydney',
    country: 'AU',
    subdivision: 'NSW',
    currency: 'AUD',
  },
];
const BUYERS = [
  'Ana García',
  'Ben Okafor',
  'Chloé Martin',
  'Daniel Kim',
  'Elif Yılmaz',
  'Farah Haddad',
  'Giulia Rossi',
  'Hiro Tanaka',
  'Isla Murphy',
  'Jonas Berg',
  'Kofi Mensah',
  'Lena Schulz',
];
const AGENTS = ['Maya (support)', 'Noah (support)', 'Olivia (support)'];
/** The list prices below are in US cents; each seller charges in its own currency, at about these rates. */
const PER_DOLLAR: Readonly<Record<string, number>> = { USD: 1, EUR: 0.92, GBP: 0.79, AUD: 1.52, JPY: 150 };
const PRODUCTS = [
  ['Trail running shoes', 8999],
  ['Down jacket', 15900],
  ['Fountain pen', 4500],
  ['A5 dot-grid notebook', 1800],
  ['USB-C dock', 12999],
  ['Noise-cancelling headphones', 24900],
  ['Linen duvet cover', 11000],
  ['Ceramic teapot', 3900],
  ['Laptop sleeve 15"', 2599],
  ['Hiking backpack 30 l', 13500],
] as const;
const QUESTIONS: [string, string, string][] = [
  ['question', 'Does it come in a larger size?', 'Hi! Is there a size up from the one listed? Thanks.'],
  [
    'item_not_received',
    'My parcel has not arrived',
    'The tracking has not moved for a week. Can you check with the courier?',
  ],
  ['damaged_or_defective', 'It arrived damaged', 'The box was crushed and the item is scratched. What can we do?'],
  [
    'not_as_described',
    'Colour is different from the photos',
    'The listing shows dark green but I received olive. Can I exchange it?',
  ],
  ['return_request', 'I would like to return it', 'It does not fit. How do I send it back?'],
  ['question', 'Is this compatible with my model?', 'Will it work with the 2024 model? The listing does not say.'],
  [
    'refund_not_received',
    'Refund not received yet',
    'You confirmed the return two weeks ago but I have no refund yet.',
  ],
];
const REPLIES = [
  'Thanks for writing! Yes, we can help with that.',
  'Sorry about this. I have asked the courier and will update you tomorrow.',
  'Please send a photo of the damage and we will sort it out.',
  'You can return it within 30 days; I will email the label.',
];

/**
 * A US-cent amount as a shop in `currency` would price it, in that
 * currency's minor units: rounded to a whole unit (to ¥100 in yen), and a
 * price one minor unit below it (€82.99) where the currency has decimals.
 */
function priceIn(cents: number, currency: string, shape: 'price' | 'round' = 'price'): number {
  const digits = minorDigits(currency);
  const major = (cents / 100) * PER_DOLLAR[currency];
  if (digits === 0) return Math.max(100, Math.round(major / 100) * 100);
  const whole = Math.max(1, Math.round(major)) * 10 ** digits;
  return shape === 'price' ? whole - 1 : whole;
}

/** A small deterministic generator, so every demo database tells the same story. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fills an empty database with a believable marketplace by calling Parley's
 * own HTTP API (every rule applies, as it would for real users), moving the
 * simulated clock forward as the story goes: sellers in five countries,
 * buyers, agents, a few hundred orders, cases in every state, claims in
 * every state, Message Center items in every category and a phishing report.
 */
export async function seedDemo(
  api: { baseUrl: string; adminId: string; tokenFor(userId: string): string },
  progress: (step: string) => void,
): Promise<Account[]> {
  const next = random(20260202);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const admin: Account = { id: api.adminId, email: '', role: 'admin', name: 'Admin', token: api.tokenFor(api.adminId) };

  const call = async (
    who: Account,
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
  ): Promise<Record<string, unknown>> => {
    const response = await fetch(`${api.baseUrl}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${who.token}`,
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`demo seed: ${method} ${url} → ${response.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  const now = async () => new Date((await call(admin, 'GET', '/admin/clock')).now as string);
  const advanceTo = (to: string) => call(admin, 'POST', '/admin/clock/advance', { to });
  const advance = (seconds: number) => call(admin, 'POST', '/admin/clock/advance', { seconds });
  const run = async (...jobs: string[]) => {
    for (const job of jobs) await call(admin, 'POST', `/admin/jobs/${job}/run`);
  };

  progress('accounts');
  const create = async (role: string, name: string, email: string, seller?: object): Promise<Account> => {
    const user = await call(admin, 'POST', '/users', {
      email,
      password: DEMO_PASSWORD,
      role,
      displayName: name,
      seller,
    });
    const id = user.id as string;
    return { id, email, role, name, token: api.tokenFor(id) };
  };
  const sellers: Account[] = [];
  for (const s of SELLERS)
    sellers.push(
      await create('seller', s.name, s.email, { timeZone: s.timeZone, country: s.country, subdivision: s.subdivision }),
    );
  const shops = SELLERS.map((s, i) => ({ seller: sellers[i], currency: s.currency }));
  const buyers: Account[] = [];
  for (const name of BUYERS)
    buyers.push(
      await create(
        'buyer',
        name,
        `${name
          .split(' ')[0]
          .toLowerCase()
          .normalize('NFD')
          .replace(/[^a-z]/g, '')}@demo.parley`,
      ),
    );
  const agents: Account[] = [];
  for (const name of AGENTS)
    agents.push(await create('agent', name, `${name.split(' ')[0].toLowerCase()}@demo.parley`));

  progress('orders');
  const orders: { id: string; buyer: Account; seller: Account; placedAt: Date; total: Money }[] = [];
  const start = new Date(DEMO_START).getTime();
  for (let i = 0; i < 300; i++) {
    const buyer = buyers[i % buyers.length];
    const { seller, currency } = pick(shops);
    const [title, price] = pick(PRODUCTS);
    const quantity = next() < 0.8 ? 1 : 2;
    const placedAt = new Date(start - Math.floor(next() * 40 * 86_400_000) - 3_600_000);
    const maxDelivery = new Date(placedAt.getTime() + (5 + Math.floor(next() * 6)) * 86_400_000);
    const total: Money = { amount: priceIn(price, currency) * quantity, currency };
    const order = await call(admin, 'POST', '/orders', {
      externalId: `DEMO-${String(10_000 + i)}`,
      buyerId: buyer.id,
      sellerId: seller.id,
      placedAt: placedAt.toISOString(),
      maxDeliveryDate: maxDelivery.toISOString().slice(0, 10),
      total,
      items: [{ title, quantity }],
    });
    const id = order.id as string;
    orders.push({ id, buyer, seller, placedAt, total });
    const shipped = new Date(placedAt.getTime() + 86_400_000);
    if (shipped.getTime() < start)
      await call(admin, 'POST', `/orders/${id}/events`, { type: 'shipped', at: shipped.toISOString() });
    const delivered = new Date(placedAt.getTime() + 4 * 86_400_000);
    if (next() < 0.7 && delivered.getTime() < start)
      await call(admin, 'POST', `/orders/${id}/events`, { type: 'delivered', at: delivered.toISOString() });
  }
  let nextOrder = 0;
  const takeOrder = () => orders[nextOrder++];
  const openCase = async (order: (typeof orders)[number], index: number) => {
    const [topic, subject, body] = QUESTIONS[index % QUESTIONS.length];
    const opened = await call(order.buyer, 'POST', '/cases', {
      sellerId: order.seller.id,
      orderId: order.id,
      topic,
      subject,
      body,
    });
    return { id: opened.id as string, order };
  };

  progress('conversations');
  // Cases whose claims come at the end: opened first, so the seller has long had the two business days to answer.
  const claimCases: Awaited<ReturnType<typeof openCase>>[] = [];
  for (let i = 0; i < 12; i++) claimCases.push(await openCase(takeOrder(), 2));
  const claims: { id: string; order: (typeof orders)[number] }[] = [];
  const file = async (k: number) => {
    const c = claimCases[k];
    const claim = await call(c.order.buyer, 'POST', '/claims', {
      orderId: c.order.id,
      caseId: c.id,
      reason: 'damaged_or_defective',
      body: 'The item arrived broken; photos attached in the conversation.',
    });
    claims[k] = { id: claim.id as string, order: c.order };
  };
  const [agent, otherAgent] = agents;
  /** The seller answers, unless its deadline passed and the claim went to review without it. */
  const respond = async (k: number) => {
    const claim = await call(admin, 'GET', `/claims/${claims[k].id}`);
    if (claim.status === 'awaiting_seller')
      await call(claims[k].order.seller, 'POST', `/claims/${claims[k].id}/respond`, {
        body: 'It left our warehouse intact; please share photos.',
      });
  };
  const decide = (k: number, outcome: 'granted' | 'denied') =>
    call(agent, 'POST', `/claims/${claims[k].id}/decide`, {
      outcome,
      funding: outcome === 'granted' ? 'seller' : undefined,
      note: outcome === 'granted' ? 'Photos show damage.' : 'No evidence of damage.',
    });
  // Four weeks of ordinary conversations: most answered, many resolved by the buyer (closed 30 days later).
  for (let week = 0; week < 4; week++) {
    const opened = [];
    for (let i = 0; i < 12; i++) opened.push(await openCase(takeOrder(), i + week));
    // Sellers answer within hours, buyers come back the next day.
    await advance(5 * 3600);
    const answered = [];
    for (const c of opened) {
      if (next() < 0.85) {
        await call(c.order.seller, 'POST', `/cases/${c.id}/messages`, { body: pick(REPLIES) });
        answered.push(c);
      }
    }
    await advance(19 * 3600);
    for (const c of answered) if (next() < 0.6) await call(c.order.buyer, 'POST', `/cases/${c.id}/resolve`);
    if (week === 1) {
      // Decided in the second week: the 30-day appeal window passes before the story ends, and they close.
      for (const k of [5, 6]) {
        await file(k);
        await respond(k);
        await decide(k, k === 5 ? 'granted' : 'denied');
      }
    }
    await advance(6 * 86_400);
    await run('sla-sweep', 'support-sweep', 'claims-sweep', 'close-resolved-cases');
  }

  progress('escalations and reports');
  // Missed reply windows: cases left unanswered for a week escalate to support; one is taken by an agent.
  const ignored = [];
  for (let i = 0; i < 6; i++) ignored.push(await openCase(takeOrder(), i));
  await advance(7 * 86_400);
  await run('sla-sweep', 'support-sweep');
  const queue = await call(agent, 'GET', '/escalations?status=open&limit=5');
  const [first] = queue.items as { id: string; caseId: string }[];
  if (first) {
    await call(agent, 'POST', `/escalations/${first.id}/assign`, {});
    await call(agent, 'POST', `/cases/${first.caseId}/messages`, {
      body: 'Hello from customer service: we are chasing the seller for you.',
    });
  }
  // A look-alike message, reported by the buyer as phishing.
  const phishy = await openCase(takeOrder(), 0);
  await call(phishy.order.seller, 'POST', `/cases/${phishy.id}/messages`, {
    body: 'Congratulations, you have won a loyalty voucher worth 500 dollars! Answer today with your full name and date of birth to claim it.',
  });
  const inbox = await call(phishy.order.buyer, 'GET', `/inbox?caseId=${phishy.id}&category=seller_messages`);
  const [item] = inbox.items as { id: string }[];
  if (item)
    await call(phishy.order.buyer, 'POST', `/inbox/${item.id}/report`, {
      reason: 'Asks for my personal details for a prize I never entered',
    });
  for (const category of ['promotions', 'notices'] as const) {
    await call(admin, 'POST', '/admin/broadcasts', {
      category,
      audience: 'all',
      subject: category === 'promotions' ? 'Spring sale: 20 % off outdoor gear' : 'Updated buyer protection terms',
      body:
        category === 'promotions'
          ? 'From Monday, outdoor gear is 20 % off across the marketplace.'
          : 'From 1 April, claims can be filed up to 90 days after delivery.',
    });
  }

  progress('today’s cases');
  // The last days, so the dashboard shows every reply-window state: escalated, late, at risk and on track.
  const before = await now();
  const monday = new Date(before);
  monday.setUTCDate(monday.getUTCDate() + ((8 - monday.getUTCDay()) % 7 || 7));
  monday.setUTCHours(8, 0, 0, 0);
  await advanceTo(monday.toISOString());
  for (let i = 0; i < 6; i++) await openCase(takeOrder(), i);
  await advance(8 * 3600);
  for (let i = 0; i < 6; i++) await openCase(takeOrder(), i + 2);
  await advance(28 * 3600);
  for (let i = 0; i < 8; i++) await openCase(takeOrder(), i + 3);
  await advance(30 * 3600);
  for (let i = 0; i < 8; i++) await openCase(takeOrder(), i + 5);
  await advance(10 * 3600);
  await run('sla-sweep', 'support-sweep', 'claims-sweep', 'close-resolved-cases');

  // Claims in every state, on Thursday: each step as its party would take it.
  for (const k of [0, 1, 2, 3, 4, 7, 8, 9, 10, 11]) await file(k);
  // 0 stays with the seller; 1 under review; 2 waiting for the buyer's information.
  for (const k of [1, 2, 7, 8, 9, 10, 11]) await respond(k);
  await call(agent, 'POST', `/claims/${claims[2].id}/request-info`, {
    from: 'buyer',
    body: 'Could you send a photo of the packaging?',
  });
  // A partial refund of about ten dollars, in the order's currency.
  const { currency: partial } = claims[3].order.total;
  await call(claims[3].order.seller, 'POST', `/claims/${claims[3].id}/refund`, {
    amount: { amount: priceIn(1000, partial, 'round'), currency: partial },
  });
  await call(claims[4].order.buyer, 'POST', `/claims/${claims[4].id}/withdraw`);
  await decide(7, 'denied');
  await decide(8, 'granted');
  await decide(9, 'granted');
  await decide(10, 'denied');
  await decide(11, 'denied');
  await call(claims[7].order.buyer, 'POST', `/claims/${claims[7].id}/appeal`, {
    body: 'I have more photos that show the damage.',
  });
  await call(claims[8].order.seller, 'POST', `/claims/${claims[8].id}/appeal`, {
    body: 'The buyer damaged it after delivery.',
  });
  await call(claims[11].order.buyer, 'POST', `/claims/${claims[11].id}/appeal`, { body: 'Please look again.' });
  await call(otherAgent, 'POST', `/claims/${claims[7].id}/decide-appeal`, {
    outcome: 'upheld',
    note: 'The new photos do not change the decision.',
  });
  await call(otherAgent, 'POST', `/claims/${claims[8].id}/decide-appeal`, {
    outcome: 'reversed',
    note: 'Delivery photos show the item intact.',
  });
  progress('done');
  return [...sellers, ...buyers, ...agents];
}
