import type { ClaimAllowedAction } from '../../claims/claim-actions.js';
import type {
  ClaimDetailView,
  ClaimEventView,
  ClaimMessageView,
  ClaimPageView,
  EligibilityView,
} from '../../claims/claims.dto.js';
import { CLAIM_STATUSES } from '../../claims/claim-status.js';
import type { OrderView } from '../../orders/orders.dto.js';
import { formatMoney, moneyInputValue } from '../../common/money.js';
import { Countdown, Csrf, FilterSelect, humanise, Layout, NextPage, StateBadge, TableHead, Time } from './layout.js';
import type { PageContext, Viewer } from './layout.js';
import { Conversation, MessageForm } from './conversation.js';

export const REASON_NAMES: Record<string, string> = {
  item_not_received: 'Item not received',
  damaged_or_defective: 'Damaged or defective',
  not_as_described: 'Not as described',
  return_not_refunded: 'Returned, not refunded',
};

const RULE_NAMES: Record<string, string> = {
  contact_seller_first: 'Contact the seller first',
  too_early: 'Too early',
  window_closed: 'Too late',
  open_claim_exists: 'A claim is already open',
  refunded: 'Already refunded',
};

export function ClaimListPage(props: {
  ctx: PageContext;
  page: ClaimPageView;
  names: Map<string, string>;
  status?: string;
}): JSX.Element {
  const { ctx, page, names } = props;
  const title =
    ctx.viewer!.role === 'seller'
      ? 'Claims against your orders'
      : ctx.viewer!.role === 'buyer'
        ? 'Your claims'
        : 'Claims';
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <FilterSelect
        action="/app/claims"
        id="status"
        label="Status"
        name="status"
        options={[['', 'All'], ...CLAIM_STATUSES.map((status): [string, string] => [status, humanise(status)])]}
        selected={props.status}
      />
      {page.items.length === 0 ? (
        <p class="muted">No claims here.</p>
      ) : (
        <table class="stack">
          <TableHead columns={['Claim', 'Parties', 'Amount', 'Status', 'Next deadline']} />
          <tbody>
            {page.items.map((claim) => {
              const next =
                claim.deadlines.sellerResponseDueAt ?? claim.deadlines.infoDueAt ?? claim.deadlines.appealUntil;
              return (
                <tr>
                  <td data-label="Claim">
                    <a href={`/app/claims/${claim.id}`} safe>
                      {REASON_NAMES[claim.reason] ?? claim.reason}
                    </a>
                    <br />
                    <span class="muted">
                      Filed <Time at={claim.createdAt} />
                    </span>
                  </td>
                  <td
                    data-label="Parties"
                    safe
                  >{`${names.get(claim.buyerId) ?? ''} → ${names.get(claim.sellerId) ?? ''}`}</td>
                  <td data-label="Amount" safe>
                    {formatMoney(claim.amount)}
                  </td>
                  <td data-label="Status">
                    <StateBadge state={claim.status} />
                  </td>
                  <td data-label="Next deadline">
                    {next ? <Countdown until={next} now={ctx.now} /> : <span class="muted">—</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <NextPage base="/app/claims" params={{ status: props.status }} cursor={page.nextCursor} />
    </Layout>
  );
}

export function NewClaimPage(props: {
  ctx: PageContext;
  order: OrderView;
  eligibility: EligibilityView;
  caseId?: string;
}): JSX.Element {
  const { ctx, order, eligibility } = props;
  const open = eligibility.reasons.filter((reason) => reason.eligible);
  return (
    <Layout ctx={ctx} title="File a claim">
      <h1>File a claim</h1>
      <p>
        Order <strong safe>{order.externalId}</strong>, <span safe>{formatMoney(order.total)}</span>. A claim asks us to
        step in when the seller has not put things right. We decide within a few business days.
      </p>
      <h2>When you can claim</h2>
      <ul>
        {eligibility.reasons.map((reason) => (
          <li>
            <strong safe>{REASON_NAMES[reason.reason] ?? reason.reason}</strong>:{' '}
            {reason.eligible ? (
              'you can claim now.'
            ) : (
              <>
                <span safe>{RULE_NAMES[reason.rule ?? ''] ?? ''}</span>
                {reason.eligibleAt ? (
                  <>
                    {' — possible from '}
                    <Time at={reason.eligibleAt} />
                  </>
                ) : (
                  ''
                )}
                .{' '}
                <span class="muted" safe>
                  {reason.detail}
                </span>
              </>
            )}
          </li>
        ))}
      </ul>
      {open.length === 0 ? (
        <p class="notice">No claim is possible right now.</p>
      ) : (
        <form method="post" action="/app/claims" class="card">
          <Csrf viewer={ctx.viewer!} />
          <input type="hidden" name="orderId" value={order.id} />
          {!!props.caseId && <input type="hidden" name="caseId" value={props.caseId} />}
          <label for="reason">What went wrong</label>
          <select id="reason" name="reason">
            {open.map((reason) => (
              <option value={reason.reason} safe>
                {REASON_NAMES[reason.reason] ?? reason.reason}
              </option>
            ))}
          </select>
          <label for="amount" safe>
            {`Amount to claim (${order.total.currency}; at most the order total)`}
          </label>
          <input id="amount" name="amount" type="text" inputmode="decimal" value={moneyInputValue(order.total)} />
          <input type="hidden" name="currency" value={order.total.currency} />
          <label for="body">Tell us what happened</label>
          <textarea id="body" name="body" required maxlength="10000"></textarea>
          <p class="actions">
            <button type="submit">File the claim</button>
          </p>
        </form>
      )}
    </Layout>
  );
}

/** The portal's route for each step a claim page offers (the API's action names are camelCase, its paths kebab-case). */
const STEP_PATHS: Partial<Record<ClaimAllowedAction, string>> = {
  requestInfo: 'request-info',
  decideAppeal: 'decide-appeal',
};

function Step(props: {
  viewer: Viewer;
  claimId: string;
  action: ClaimAllowedAction;
  label: string;
  danger?: boolean;
  children?: JSX.Element | JSX.Element[];
}): JSX.Element {
  // The form's fields: elements built by this module, not text from anyone.
  const safeFields = props.children ?? '';
  return (
    <form
      method="post"
      action={`/app/claims/${props.claimId}/${STEP_PATHS[props.action] ?? props.action}`}
      class="card"
      data-action={props.action}
    >
      <Csrf viewer={props.viewer} />
      {safeFields}
      <p class="actions">
        <button type="submit" class={props.danger ? 'danger' : undefined} safe>
          {props.label}
        </button>
      </p>
    </form>
  );
}

function TextArea(props: { id: string; label: string; name?: string }): JSX.Element {
  return (
    <>
      <label for={props.id} safe>
        {props.label}
      </label>
      <textarea id={props.id} name={props.name ?? 'body'} required maxlength="10000"></textarea>
    </>
  );
}

function ClaimSteps(props: { ctx: PageContext; claim: ClaimDetailView }): JSX.Element {
  const { ctx, claim } = props;
  const viewer = ctx.viewer!;
  const id = claim.id;
  const can = (action: ClaimAllowedAction) => claim.allowedActions.includes(action);
  const steps: JSX.Element[] = [];
  if (can('respond'))
    steps.push(
      <Step viewer={viewer} claimId={id} action="respond" label="Send response">
        <TextArea id="respond" label="Your response to the claim" />
      </Step>,
    );
  if (can('refund'))
    steps.push(
      <Step viewer={viewer} claimId={id} action="refund" label="Refund the buyer">
        <label for="refund" safe>
          {`Refund amount (${claim.amount.currency})`}
        </label>
        <input id="refund" name="amount" type="text" inputmode="decimal" value={moneyInputValue(claim.amount)} />
        <input type="hidden" name="currency" value={claim.amount.currency} />
      </Step>,
    );
  if (can('appeal'))
    steps.push(
      <Step viewer={viewer} claimId={id} action="appeal" label="Appeal">
        <TextArea id="appeal" label="Why the decision should change" />
      </Step>,
    );
  if (can('withdraw'))
    steps.push(<Step viewer={viewer} claimId={id} action="withdraw" label="Withdraw the claim" danger />);
  if (can('requestInfo'))
    steps.push(
      <Step viewer={viewer} claimId={id} action="requestInfo" label="Ask for information">
        <label for="from">Ask</label>
        <select id="from" name="from">
          <option value="buyer">the buyer</option>
          <option value="seller">the seller</option>
        </select>
        <TextArea id="ask" label="What do you need?" />
      </Step>,
    );
  if (can('decide'))
    steps.push(
      <Step viewer={viewer} claimId={id} action="decide" label="Decide">
        <label for="outcome">Decision</label>
        <select id="outcome" name="outcome">
          <option value="granted">Grant: refund the buyer</option>
          <option value="denied">Deny</option>
        </select>
        <label for="funding">Refund paid by</label>
        <select id="funding" name="funding">
          <option value="seller">the seller</option>
          <option value="marketplace">the marketplace</option>
        </select>
        <TextArea id="note" label="Note to both parties" name="note" />
      </Step>,
    );
  if (can('decideAppeal'))
    steps.push(
      <Step viewer={viewer} claimId={id} action="decideAppeal" label="Decide the appeal">
        <label for="appeal-outcome">Appeal decision</label>
        <select id="appeal-outcome" name="outcome">
          <option value="upheld">Uphold the decision</option>
          <option value="reversed">Reverse the decision</option>
        </select>
        <TextArea id="appeal-note" label="Note to both parties" name="note" />
      </Step>,
    );
  if (steps.length === 0) return <></>;
  return (
    <section aria-label="What you can do">
      <h2>What you can do</h2>
      {steps}
    </section>
  );
}

export function ClaimPage(props: {
  ctx: PageContext;
  claim: ClaimDetailView;
  messages: ClaimMessageView[];
  events: ClaimEventView[];
  names: Map<string, string>;
}): JSX.Element {
  const { ctx, claim, messages, events, names } = props;
  const viewer = ctx.viewer!;
  const title = `Claim: ${REASON_NAMES[claim.reason] ?? claim.reason}`;
  const deadlines: [string, string | null][] = [
    ['Seller’s response due', claim.deadlines.sellerResponseDueAt],
    ['Information due', claim.deadlines.infoDueAt],
    ['Appeal possible until', claim.deadlines.appealUntil],
  ];
  return (
    <Layout ctx={ctx} title={title}>
      <p>
        <a href="/app/claims">← Claims</a>
      </p>
      <h1 safe>{title}</h1>
      <div class="grid two">
        <section aria-label="Messages">
          <Conversation viewer={viewer} messages={messages} names={names} />
          <MessageForm
            viewer={viewer}
            action={`/app/claims/${claim.id}/messages`}
            label="Message"
            fileLabel="Attach photos, receipts or PDF (up to 5, 10 MB each)"
            message={claim.allowedActions.includes('message')}
            note={claim.allowedActions.includes('note')}
            answers={
              claim.allowedActions.includes('provideInfo')
                ? 'We asked you for information: your next message answers the request.'
                : undefined
            }
          />
          <ClaimSteps ctx={ctx} claim={claim} />
        </section>
        <aside class="card" aria-label="About this claim">
          <dl class="facts">
            <dt>Status</dt>
            <dd>
              <StateBadge state={claim.status} />
            </dd>
            <dt>Amount</dt>
            <dd safe>{formatMoney(claim.amount)}</dd>
            <dt>Buyer</dt>
            <dd safe>{names.get(claim.buyerId) ?? ''}</dd>
            <dt>Seller</dt>
            <dd safe>{names.get(claim.sellerId) ?? ''}</dd>
            {deadlines
              .filter(([, at]) => at !== null)
              .map(([label, at]) => (
                <>
                  <dt safe>{label}</dt>
                  <dd>
                    <Time at={at} />
                    <br />
                    <Countdown until={at} now={ctx.now} />
                  </dd>
                </>
              ))}
            {claim.flags.length > 0 && (
              <>
                <dt>Flags</dt>
                <dd safe>{claim.flags.map(humanise).join(', ')}</dd>
              </>
            )}
          </dl>
          {!!claim.decision && (
            <>
              <h2>Decision</h2>
              <p>
                <StateBadge state={claim.decision.outcome} /> <Time at={claim.decision.decidedAt} />
                {claim.decision.refund ? (
                  <span
                    safe
                  >{` · refund ${formatMoney(claim.decision.refund)} paid by the ${claim.decision.funding ?? 'seller'}`}</span>
                ) : (
                  ''
                )}
              </p>
              {!!claim.decision.note && (
                <p class="body" safe>
                  {claim.decision.note}
                </p>
              )}
            </>
          )}
          {!!claim.appeal && (
            <>
              <h2>Appeal</h2>
              <p>
                Appealed <Time at={claim.appeal.at} />
                {claim.appeal.outcome ? (
                  <span safe>{` · ${humanise(claim.appeal.outcome)}`}</span>
                ) : (
                  ' · waiting for a decision'
                )}
              </p>
              {!!claim.appeal.note && (
                <p class="body" safe>
                  {claim.appeal.note}
                </p>
              )}
            </>
          )}
          <p>
            <a href={`/app/cases/${claim.caseId}`}>The conversation this claim came from</a>
          </p>
          <details>
            <summary>History</summary>
            <ol class="segments">
              {events.map((event) => (
                <li>
                  <Time at={event.at} /> <span safe>{humanise(event.type)}</span>
                </li>
              ))}
            </ol>
          </details>
        </aside>
      </div>
    </Layout>
  );
}
