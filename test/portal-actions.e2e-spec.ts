import { CASE_ALLOWED_ACTIONS } from '../src/cases/case-actions.js';
import { CLAIM_ALLOWED_ACTIONS } from '../src/claims/claim-actions.js';
import { startTestApp, TestApp } from './support/app.js';
import { fileClaim, orderWithCase } from './support/claims.js';
import { createUser, openCase, TestUser } from './support/factories.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 10:00 in Los Angeles: cases open here. */
const T0 = new Date('2026-03-02T18:00:00Z');
/** Five days on: the seller is late on a case opened at T0, and a claim about its order can be filed. */
const T1 = new Date(T0.getTime() + 5 * DAY);

type Role = 'buyer' | 'seller' | 'agent' | 'agent2' | 'admin';
const ROLES: Role[] = ['buyer', 'seller', 'agent', 'agent2', 'admin'];

/** A form on a page: where it posts, how, the fields a browser would send untouched, and the actions it is marked with. */
interface PageForm {
  action: string;
  multipart: boolean;
  fields: [string, string][];
  markers: string[];
}

const attributes = (tag: string): Record<string, string> =>
  Object.fromEntries(
    [...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((match) => [match[1], match[2].replace(/&amp;/g, '&')]),
  );

/** Every action the page offers (`data-action`), sorted. */
const markersOf = (html: string): string[] =>
  [...new Set([...html.matchAll(/\sdata-action="([^"]+)"/g)].map((match) => match[1]))].sort();

/** The page's forms, read as a browser would submit them: inputs with their values, each select's first option, texts filled in. */
function formsOf(html: string): PageForm[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map(([whole, open, inner]) => {
    const form = attributes(open);
    const fields: [string, string][] = [];
    for (const [, tag] of inner.matchAll(/<input\b([^>]*)>/g)) {
      const input = attributes(tag);
      if (input.name && input.value !== undefined && input.type !== 'checkbox' && input.type !== 'file')
        fields.push([input.name, input.value]);
    }
    for (const [, tag, options] of inner.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g))
      fields.push([attributes(tag).name, attributes(/<option\b([^>]*)>/.exec(options)![1]).value]);
    for (const [, tag] of inner.matchAll(/<textarea\b([^>]*)>/g))
      fields.push([attributes(tag).name, 'Written by the test, in plain words.']);
    return {
      action: form.action,
      multipart: form.enctype === 'multipart/form-data',
      fields,
      markers: markersOf(whole),
    };
  });
}

/**
 * The portal offers exactly what the API says the viewer may do
 * (`allowedActions`), and nothing it offers fails: for every claim state and
 * every role (the agent who decided and another one apart), the claim page's
 * marked forms are the API's list; each form, posted as a browser would, is
 * taken; every action not listed is refused by the API and changes nothing.
 * The same for cases, in each status and at the deadlines that matter.
 */
describe('portal actions follow allowedActions', () => {
  let t: TestApp;
  const users = {} as Record<Role, TestUser>;

  const cookies = new Map<TestUser, string>();
  /** One browser session per user, as a signed-in browser holds it; its pages carry the session's CSRF token in their forms. */
  const cookieOf = (user: TestUser): string => {
    if (!cookies.has(user)) cookies.set(user, `parley_session=${t.tokenFor(user)}`);
    return cookies.get(user)!;
  };
  const api = (role: Role, path: string, body: object = {}) =>
    t.http
      .post(path)
      .set('Authorization', `Bearer ${t.tokenFor(users[role])}`)
      .send(body);
  const allowed = async (role: Role, path: string): Promise<string[]> =>
    [
      ...((
        await t.http
          .get(path)
          .set('Authorization', `Bearer ${t.tokenFor(users[role])}`)
          .expect(200)
      ).body.allowedActions as string[]),
    ].sort();
  const page = async (role: Role, path: string): Promise<string> =>
    (await t.http.get(path).set('Cookie', cookieOf(users[role])).expect(200)).text;

  /** Posts the page's form for `marker` as a browser would (a note ticks the internal box); the portal answers 303 back to `back` when it was taken. */
  async function submit(role: Role, html: string, marker: string, back: string): Promise<void> {
    const form = formsOf(html).find((candidate) => candidate.markers.includes(marker));
    if (!form) throw new Error(`no form for ${marker}`);
    const fields = [...form.fields];
    if (marker === 'note' && !fields.some(([name]) => name === 'internal')) fields.push(['internal', 'true']);
    const request = t.http.post(form.action).set('Cookie', cookieOf(users[role]));
    let response: { status: number; headers: Record<string, string> };
    if (form.multipart) {
      // The token comes first, as the browser sends the form's fields in order.
      for (const [name, value] of [...fields].sort(([a], [b]) => Number(b === '_csrf') - Number(a === '_csrf')))
        request.field(name, value);
      response = await request;
    } else {
      response = await request.type('form').send(Object.fromEntries(fields));
    }
    expect({ role, marker, status: response.status, location: response.headers.location }).toEqual({
      role,
      marker,
      status: 303,
      location: back,
    });
  }

  beforeAll(async () => {
    t = await startTestApp({ env: { POST_RATE_LIMIT_PER_MINUTE: '100000' } });
    for (const role of ['admin', 'buyer', 'seller', 'agent'] as const) users[role] = await createUser(t.sql, role);
    users.agent2 = await createUser(t.sql, 'agent');
  });
  afterAll(async () => {
    await t.close();
  });

  it('the OpenAPI document names every action of GET /cases/:id and GET /claims/:id', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const schemaOf = (path: string) =>
      doc.paths[path].get.responses['200'].content['application/json'].schema.$ref.split('/').pop() as string;
    const actionsOf = (schema: string) => doc.components.schemas[schema].properties.allowedActions;
    expect(schemaOf('/cases/{id}')).toBe('CaseDetailView');
    expect(actionsOf('CaseDetailView')).toMatchObject({ type: 'array', items: { enum: [...CASE_ALLOWED_ACTIONS] } });
    expect(schemaOf('/claims/{id}')).toBe('ClaimDetailView');
    expect(actionsOf('ClaimDetailView')).toMatchObject({ type: 'array', items: { enum: [...CLAIM_ALLOWED_ACTIONS] } });
    // Lists and the steps' answers keep the view without it.
    expect(actionsOf('CaseView')).toBeUndefined();
    expect(actionsOf('ClaimView')).toBeUndefined();
  });

  describe('claims', () => {
    const STATES = [
      'awaiting_seller',
      'under_review',
      'info_requested',
      'granted',
      'denied',
      'appealed',
      'closed',
    ] as const;
    type State = (typeof STATES)[number];

    /** A claim about a fresh order, moved through the API to `state` (decided by `agent`), at T1. */
    async function claimIn(state: State): Promise<string> {
      t.clock.set(T0);
      const { orderId } = await orderWithCase(t, users.admin, users.buyer, users.seller);
      t.clock.set(T1);
      const { id } = await fileClaim(t, users.buyer, orderId);
      const step = async (role: Role, path: string, body: object = {}) => {
        const response = await api(role, `/claims/${id}/${path}`, body);
        if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
      };
      if (state === 'closed') await step('buyer', 'withdraw');
      if (state === 'awaiting_seller' || state === 'closed') return id;
      await step('seller', 'respond', { body: 'It left here in one piece.' });
      if (state === 'info_requested')
        await step('agent', 'request-info', { from: 'buyer', body: 'Please send a photo of the box.' });
      if (state === 'granted' || state === 'appealed')
        await step('agent', 'decide', { outcome: 'granted', funding: 'seller', note: 'The photos show the damage.' });
      if (state === 'denied') await step('agent', 'decide', { outcome: 'denied', note: 'Nothing shows the damage.' });
      if (state === 'appealed') await step('seller', 'appeal', { body: 'The damage happened after delivery.' });
      return id;
    }

    /** A request for each action with a valid body, so that only the role, the state or a deadline can refuse it. */
    const REQUESTS: Record<string, { path: string; body: object }> = {
      message: { path: 'messages', body: { body: 'A message.' } },
      note: { path: 'messages', body: { body: 'A note.', internal: true } },
      respond: { path: 'respond', body: { body: 'A response.' } },
      refund: { path: 'refund', body: { amount: { amount: 100, currency: 'USD' } } },
      requestInfo: { path: 'request-info', body: { from: 'seller', body: 'Tell us more.' } },
      decide: { path: 'decide', body: { outcome: 'denied', note: 'Denied.' } },
      withdraw: { path: 'withdraw', body: {} },
      appeal: { path: 'appeal', body: { body: 'Please look again.' } },
      decideAppeal: { path: 'decide-appeal', body: { outcome: 'upheld', note: 'Upheld.' } },
    };
    const SUPPORT = { agent: ['message', 'note'], agent2: ['message', 'note'], admin: ['message', 'note'] };
    const REVIEWERS = {
      agent: ['decide', 'message', 'note', 'requestInfo'],
      agent2: ['decide', 'message', 'note', 'requestInfo'],
      admin: ['decide', 'message', 'note', 'requestInfo'],
    };
    // `agent` made the decision; `agent2` and the admin did not.
    const EXPECTED: Record<State, Record<Role, string[]>> = {
      awaiting_seller: { buyer: ['message', 'withdraw'], seller: ['message', 'refund', 'respond'], ...SUPPORT },
      under_review: { buyer: ['message', 'withdraw'], seller: ['message', 'refund'], ...REVIEWERS },
      info_requested: {
        buyer: ['message', 'provideInfo', 'withdraw'],
        seller: ['message', 'refund'],
        agent: ['decide', 'message', 'note'],
        agent2: ['decide', 'message', 'note'],
        admin: ['decide', 'message', 'note'],
      },
      granted: { buyer: ['message'], seller: ['appeal', 'message'], ...SUPPORT },
      denied: { buyer: ['appeal', 'message'], seller: ['message'], ...SUPPORT },
      appealed: {
        buyer: ['message'],
        seller: ['message'],
        agent: ['message', 'note'],
        agent2: ['decideAppeal', 'message', 'note'],
        admin: ['decideAppeal', 'message', 'note'],
      },
      closed: { buyer: [], seller: [], agent: ['note'], agent2: ['note'], admin: ['note'] },
    };
    const row = async (id: string) =>
      (await t.sql.query('SELECT status, updated_at, info_from FROM claims WHERE id = $1', [id])).rows[0];

    it.each(STATES)('%s: every role sees its allowed actions, each succeeds, every other is refused', async (state) => {
      const id = await claimIn(state);
      const path = `/claims/${id}`;
      const offered = {} as Record<Role, string[]>;
      const html = {} as Record<Role, string>;
      for (const role of ROLES) {
        offered[role] = await allowed(role, path);
        expect({ role, offered: offered[role] }).toEqual({ role, offered: EXPECTED[state][role] });
        html[role] = await page(role, `/app${path}`);
        expect({ role, page: markersOf(html[role]) }).toEqual({ role, page: offered[role] });
      }

      // Not listed: refused, and the claim is as it was.
      const before = await row(id);
      const accepted: string[] = [];
      for (const role of ROLES) {
        for (const [action, request] of Object.entries(REQUESTS)) {
          if (offered[role].includes(action)) continue;
          const { status } = await api(role, `${path}/${request.path}`, request.body);
          if (status !== 403 && status !== 409) accepted.push(`${role} ${action} → ${status}`);
        }
      }
      expect(accepted).toEqual([]);
      expect(await row(id)).toEqual(before);

      // Listed: each taken through its form; a step that moves the claim on a fresh claim in the same state.
      for (const role of ROLES) {
        for (const marker of offered[role]) {
          const form = formsOf(html[role]).find((candidate) => candidate.markers.includes(marker))!;
          const moves = !['message', 'note'].includes(marker) || form.markers.includes('provideInfo');
          if (!moves) {
            await submit(role, html[role], marker, `/app${path}`);
            continue;
          }
          const fresh = await claimIn(state);
          await submit(role, await page(role, `/app/claims/${fresh}`), marker, `/app/claims/${fresh}`);
          expect((await row(fresh)).status).not.toBe(state);
        }
      }
    });

    it('expectations the portal used to get wrong: admins decide, an agent is offered nothing before review', async () => {
      const awaiting = await claimIn('awaiting_seller');
      expect(await allowed('agent', `/claims/${awaiting}`)).toEqual(['message', 'note']);
      const reviewed = await claimIn('under_review');
      expect(await allowed('admin', `/claims/${reviewed}`)).toEqual(['decide', 'message', 'note', 'requestInfo']);
      const appealed = await claimIn('appealed');
      expect(await allowed('agent', `/claims/${appealed}`)).toEqual(['message', 'note']);
      expect(await allowed('agent2', `/claims/${appealed}`)).toEqual(['decideAppeal', 'message', 'note']);
    });

    it('the asked party’s message answers an information request; the other party’s does not', async () => {
      const id = await claimIn('info_requested');
      expect(await allowed('buyer', `/claims/${id}`)).toEqual(['message', 'provideInfo', 'withdraw']);
      expect(await allowed('seller', `/claims/${id}`)).toEqual(['message', 'refund']);
      await api('seller', `/claims/${id}/messages`, { body: 'I can add photos too.' }).expect(201);
      expect((await row(id)).status).toBe('info_requested');
      await submit('buyer', await page('buyer', `/app/claims/${id}`), 'provideInfo', `/app/claims/${id}`);
      expect(await row(id)).toMatchObject({ status: 'under_review', info_from: null });
    });

    it('the appeal is offered until appealUntil and refused from that instant', async () => {
      const id = await claimIn('granted');
      const appealUntil = (await t.sql.query('SELECT appeal_until FROM claims WHERE id = $1', [id])).rows[0]
        .appeal_until as Date;
      t.clock.set(new Date(appealUntil.getTime() - 1));
      expect(await allowed('seller', `/claims/${id}`)).toEqual(['appeal', 'message']);
      expect(markersOf(await page('seller', `/app/claims/${id}`))).toEqual(['appeal', 'message']);
      t.clock.set(appealUntil);
      expect(await allowed('seller', `/claims/${id}`)).toEqual(['message']);
      expect(markersOf(await page('seller', `/app/claims/${id}`))).toEqual(['message']);
      await api('seller', `/claims/${id}/appeal`, { body: 'Too late?' }).expect(409);
    });
  });

  describe('cases', () => {
    const STATES = [
      'awaiting_seller',
      'late',
      'awaiting_buyer',
      'escalated',
      'resolved',
      'resolved_long_ago',
      'closed',
    ] as const;
    type State = (typeof STATES)[number];
    const SUPPORT_ROLES: Role[] = ['buyer', 'seller', 'agent', 'admin'];

    /** A question case opened at T0 and brought to `state` through the API; the clock is left where the state holds. */
    async function caseIn(state: State): Promise<string> {
      t.clock.set(T0);
      const id = await openCase(t, users.buyer, users.seller.id);
      t.clock.set(new Date(T0.getTime() + HOUR));
      const step = async (role: Role, path: string, body: object = {}) => {
        const response = await api(role, `/cases/${id}/${path}`, body);
        if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
      };
      if (state === 'awaiting_buyer') await step('seller', 'messages', { body: 'Yes, it is.' });
      if (state === 'late' || state === 'escalated') t.clock.set(T1);
      if (state === 'escalated') await step('buyer', 'escalate');
      if (state.startsWith('resolved') || state === 'closed') await step('buyer', 'resolve');
      if (state === 'resolved_long_ago' || state === 'closed')
        t.clock.set(new Date(T0.getTime() + HOUR + 30 * DAY + 1));
      if (state === 'closed')
        await t.http
          .post('/admin/jobs/close-resolved-cases/run')
          .set('Authorization', `Bearer ${t.tokenFor(users.admin)}`)
          .expect(200);
      return id;
    }

    const REQUESTS: Record<string, { path: string; body: object }> = {
      message: { path: 'messages', body: { body: 'A message.' } },
      note: { path: 'messages', body: { body: 'A note.', internal: true } },
      noResponseNeeded: { path: 'no-response-needed', body: {} },
      resolve: { path: 'resolve', body: {} },
      reopen: { path: 'reopen', body: {} },
      escalate: { path: 'escalate', body: {} },
    };
    const EXPECTED: Record<State, Partial<Record<Role, string[]>>> = {
      awaiting_seller: { buyer: ['message', 'resolve'], seller: ['message', 'noResponseNeeded'] },
      late: { buyer: ['escalate', 'message', 'resolve'], seller: ['message', 'noResponseNeeded'] },
      awaiting_buyer: { buyer: ['message', 'resolve'], seller: ['message'] },
      escalated: { buyer: ['message', 'resolve'], seller: ['message', 'noResponseNeeded'] },
      resolved: { buyer: ['reopen'], seller: [] },
      resolved_long_ago: { buyer: [], seller: [] },
      closed: { buyer: [], seller: [], agent: ['note'], admin: ['note'] },
    };

    it.each(STATES)('%s: every role sees its allowed actions, each succeeds, every other is refused', async (state) => {
      const id = await caseIn(state);
      const path = `/cases/${id}`;
      const now = await t.clock.now();
      for (const role of SUPPORT_ROLES) {
        const offered = await allowed(role, path);
        expect({ role, offered }).toEqual({ role, offered: EXPECTED[state][role] ?? ['message', 'note'] });
        const html = await page(role, `/app${path}`);
        expect({ role, page: markersOf(html) }).toEqual({ role, page: offered });

        const before = (await t.sql.query('SELECT status, updated_at FROM cases WHERE id = $1', [id])).rows[0];
        const accepted: string[] = [];
        for (const [action, request] of Object.entries(REQUESTS)) {
          if (offered.includes(action)) continue;
          const { status } = await api(role, `${path}/${request.path}`, request.body);
          if (status !== 403 && status !== 409) accepted.push(`${role} ${action} → ${status}`);
        }
        expect(accepted).toEqual([]);
        expect((await t.sql.query('SELECT status, updated_at FROM cases WHERE id = $1', [id])).rows[0]).toEqual(before);

        for (const marker of offered) {
          const fresh = await caseIn(state);
          expect(await t.clock.now()).toEqual(now);
          await submit(role, await page(role, `/app/cases/${fresh}`), marker, `/app/cases/${fresh}`);
        }
      }
    });

    it('a case about an order links its buyer to the claim form once a claim can be filed', async () => {
      t.clock.set(T0);
      const { caseId, orderId } = await orderWithCase(t, users.admin, users.buyer, users.seller);
      const link = `href="/app/claims/new?orderId=${orderId}&caseId=${caseId}"`;
      expect(await page('buyer', `/app/cases/${caseId}`)).not.toContain(link);
      t.clock.set(T1);
      expect(await page('buyer', `/app/cases/${caseId}`)).toContain(link);
      expect(await page('seller', `/app/cases/${caseId}`)).not.toContain('/app/claims/new');
      expect(await page('agent', `/app/cases/${caseId}`)).not.toContain('/app/claims/new');
    });
  });
});
