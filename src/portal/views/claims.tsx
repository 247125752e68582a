import type { ClaimAllowedAction } from '../../claims/claim-actions.js';
import { appellantOf } from '../../claims/appeal-outcome.js';
import type {
  ClaimDetailView,
  ClaimEventView,
  ClaimMessageView,
  ClaimPageView,
  ClaimView,
  EligibilityView,
  MoneyView,
  PolicyDurationView,
  ReasonEligibilityView,
} from '../../claims/claims.dto.js';
import { CLAIM_STATUSES } from '../../claims/claim-status.js';
import type { OrderView } from '../../orders/orders.dto.js';
import { formatMoney, moneyInputValue } from '../../common/money.js';
import { Countdown, Csrf, FilterSelect, humanise, Layout, Pager, StateBadge, TableHead, Time } from './layout.js';
import type { PageContext, Viewer } from './layout.js';
import { Conversation, MessageForm } from './conversation.js';

export const REASON_NAMES: Record<string, string> = {
  item_not_received: 'Item not received',
  damaged_or_defective: 'Damaged or defective',
  not_as_described: 'Not as described',
  return_not_refunded: 'Returned, not refunded',
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
          <TableHead columns={['Claim', 'Parties', 'Amount', 'Status', 'Deadline or outcome']} />
          <tbody>
            {page.items.map((claim) => (
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
                <td data-label="Deadline or outcome" class="claim-standing">
                  <Standing claim={claim} ctx={ctx} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        base="/app/claims"
        label="Pages of claims"
        params={{ status: props.status }}
        previous={{ param: 'before', cursor: page.prevCursor }}
        next={{ param: 'cursor', cursor: page.nextCursor }}
      />
    </Layout>
  );
}

/** The reasons that stand the same way (same code, same instant), so one sentence covers them. */
function groupReasons(reasons: ReasonEligibilityView[]): ReasonEligibilityView[][] {
  const groups = new Map<string, ReasonEligibilityView[]>();
  for (const reason of reasons) {
    const key = `${reason.code} ${reason.eligibleAt ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), reason]);
  }
  return [...groups.values()];
}

/** The soonest instant any reason becomes claimable; none when no reason waits for a time. */
export function earliestClaim(eligibility: EligibilityView): string | undefined {
  return eligibility.reasons
    .map((reason) => reason.eligibleAt)
    .filter((at): at is string => typeof at === 'string')
    .sort()[0];
}

function describeWait(duration: PolicyDurationView): string {
  const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (duration.hours !== undefined) return count(duration.hours, 'hour');
  if (duration.days !== undefined) return count(duration.days, 'day');
  return count(duration.businessDays ?? 0, 'business day');
}

/** Where the buyer stands for some reasons, in words, from the answer's code and instants (times in the reader's zone). */
function EligibilityText(props: {
  answer: ReasonEligibilityView;
  eligibility: EligibilityView;
  order: OrderView;
}): JSX.Element {
  const { answer, eligibility, order } = props;
  switch (answer.code) {
    case 'can_claim':
      return (
        <>
          You can claim now, until <Time at={answer.windowClosesAt} />.
        </>
      );
    case 'refunded':
      return <>The order was refunded, so there is nothing left to claim.</>;
    case 'open_claim':
      return (
        <>
          This order already has a claim in progress: see <a href="/app/claims">your claims</a>.
        </>
      );
    case 'window_closed':
      return (
        <>
          Claims about this order could be made until <Time at={answer.windowClosesAt} />; that time has passed.
        </>
      );
    case 'window_closes_first':
      return (
        <>
          The time to claim ends <Time at={answer.windowClosesAt} />, before a claim would be possible, so no claim can
          be made about this order.
        </>
      );
    case 'contact_seller':
      return (
        <>
          Contact the seller about this order first:{' '}
          <a href={`/app/cases/new?orderId=${order.id}`}>contact the seller</a>. If it is not sorted out within{' '}
          <span safe>{describeWait(eligibility.sellerAnswerTime)}</span>, you can claim here.
        </>
      );
    case 'seller_answering':
      return (
        <>
          You contacted the seller{eligibility.contactedAt ? ' on ' : ''}
          {eligibility.contactedAt ? <Time at={eligibility.contactedAt} /> : ''}. The seller has until{' '}
          <Time at={answer.eligibleAt} /> to sort it out; if it is not sorted out by then, you can claim from that time.
        </>
      );
    case 'not_late_yet':
      return (
        <>
          The item counts as not received from <Time at={answer.eligibleAt} />; if it has not arrived by then, you can
          claim.
        </>
      );
  }
}

export function NewClaimPage(props: {
  ctx: PageContext;
  order: OrderView;
  eligibility: EligibilityView;
  caseId?: string;
}): JSX.Element {
  const { ctx, order, eligibility } = props;
  const open = eligibility.reasons.filter((reason) => reason.eligible);
  const groups = groupReasons(eligibility.reasons);
  const soonest = earliestClaim(eligibility);
  return (
    <Layout ctx={ctx} title="File a claim">
      <h1>File a claim</h1>
      <p>
        Order <strong safe>{order.externalId}</strong>, <span safe>{formatMoney(order.total)}</span>. A claim asks us to
        step in when the seller has not put things right. We decide within a few business days.
      </p>
      <h2>When you can claim</h2>
      <ul class="eligibility">
        {groups.map((group) => (
          <li data-code={group[0].code}>
            {groups.length > 1 && (
              <>
                <strong safe>{group.map((reason) => REASON_NAMES[reason.reason] ?? reason.reason).join(', ')}</strong>
                {': '}
              </>
            )}
            <EligibilityText answer={group[0]} eligibility={eligibility} order={order} />
          </li>
        ))}
      </ul>
      {open.length === 0 ? (
        <p class="info-box" role="note">
          No claim can be made about this order right now.
          {soonest ? (
            <>
              {' '}
              The earliest you can claim is <Time at={soonest} />.
            </>
          ) : (
            ''
          )}
        </p>
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

const PARTY: Record<'buyer' | 'seller', string> = { buyer: 'the buyer', seller: 'the seller' };

/** Who an API role is to the reader of a claim ("you" for the reader's own side). */
const partyFor = (party: 'buyer' | 'seller', viewer: Viewer): string => (viewer.role === party ? 'you' : PARTY[party]);

/** The running deadline's label, said to the reader, and its label once passed (the sweep acts on it shortly). */
function deadlineLabels(claim: ClaimView, viewer: Viewer): { running: string; passed: string; short: string } {
  switch (claim.runningDeadline!.deadline) {
    case 'seller_response':
      return viewer.role === 'seller'
        ? { running: 'Your response due', passed: 'Your response was due', short: 'Your response' }
        : { running: 'Seller’s response due', passed: 'Seller’s response was due', short: 'Seller’s response' };
    case 'info_request': {
      const from = claim.infoFrom ?? 'buyer';
      return viewer.role === from
        ? { running: 'Your answer due', passed: 'Your answer was due', short: 'Your answer' }
        : {
            running: `Answer from the ${from} due`,
            passed: `Answer from the ${from} was due`,
            short: `Answer from the ${from}`,
          };
    }
    case 'appeal_window': {
      const who = partyFor(appellantOf(claim.decision?.outcome ?? 'granted'), viewer);
      const capital = who.replace(/^\w/, (c) => c.toUpperCase());
      return {
        running: `${capital} may appeal until`,
        passed: 'The appeal window ended',
        short: 'Appeal window',
      };
    }
  }
}

/** What a claim waits on when no deadline runs: our team, or nothing (it is finished). */
function waitingOn(claim: ClaimView): string | null {
  if (claim.status === 'under_review' || claim.status === 'filed') return 'Our team is reviewing the claim';
  if (claim.status === 'appealed') return 'Our team is reviewing the appeal';
  return null;
}

/** A claim's outcome in one line, for the list: what happened last, and when. */
function ShortOutcome(props: { claim: ClaimView }): JSX.Element {
  const { claim } = props;
  if (claim.outcome === 'withdrawn')
    return (
      <>
        Withdrawn on <Time at={claim.closedAt} />
      </>
    );
  if (claim.outcome === 'refunded_by_seller')
    return (
      <>
        Refunded by the seller on <Time at={claim.closedAt} />
      </>
    );
  if (claim.appeal?.outcome)
    return (
      <>
        <span safe>
          {claim.appeal.outcome === 'upheld' ? 'Appeal upheld on' : `Appeal reversed (now ${claim.outcome ?? ''}) on`}
        </span>{' '}
        <Time at={claim.appeal.decidedAt} />
      </>
    );
  if (claim.decision)
    return (
      <>
        <span safe>{`${humanise(claim.decision.outcome)} on`}</span> <Time at={claim.decision.decidedAt} />
        {claim.status === 'closed' ? ', closed' : ''}
      </>
    );
  if (claim.closedAt)
    return (
      <>
        Closed on <Time at={claim.closedAt} />
      </>
    );
  return <span class="muted">—</span>;
}

/**
 * The list's "Deadline or outcome": how a decided or finished claim ended
 * (with the appeal window, while open), the running deadline with its
 * countdown, or who the claim waits on.
 */
function Standing(props: { claim: ClaimView; ctx: PageContext }): JSX.Element {
  const { claim, ctx } = props;
  const running = claim.runningDeadline;
  const ahead = running !== null && new Date(running.dueAt) > ctx.now;
  if (claim.decision || claim.closedAt)
    return (
      <>
        <ShortOutcome claim={claim} />
        {running?.deadline === 'appeal_window' && ahead && (
          <>
            <br />
            <span class="muted">
              Appeal possible until <Time at={running.dueAt} />
            </span>
          </>
        )}
      </>
    );
  if (running && ahead)
    return (
      <>
        <span safe>{deadlineLabels(claim, ctx.viewer!).short}</span> <Countdown until={running.dueAt} now={ctx.now} />
      </>
    );
  if (running)
    return (
      <>
        <span safe>{deadlineLabels(claim, ctx.viewer!).passed}</span> <Time at={running.dueAt} />
      </>
    );
  return (
    <span class="muted" safe>
      {waitingOn(claim) ?? '—'}
    </span>
  );
}

const refundText = (refund: MoneyView | null | undefined, funding: string | null | undefined, lead = ':'): string =>
  refund ? `${lead} refunded ${formatMoney(refund)}, paid by the ${funding ?? 'seller'}` : '';

/** What happened to a claim, each step a sentence with its time: the decision, the appeal, the withdrawal or refund, the close. */
function WhatHappened(props: { claim: ClaimView; viewer: Viewer }): JSX.Element {
  const { claim, viewer } = props;
  const steps: JSX.Element[] = [];
  const { decision, appeal } = claim;
  if (decision) {
    const automatic = decision.decidedBy === null && decision.outcome === 'granted';
    steps.push(
      <li data-step="decision">
        {decision.outcome === 'granted' ? 'Granted' : 'Denied'} on <Time at={decision.decidedAt} />
        <span safe>
          {`${automatic ? ' because the seller did not respond in time' : ''}${refundText(decision.refund, decision.funding)}.`}
        </span>
        {!!decision.note && (
          <p class="body" safe>
            {decision.note}
          </p>
        )}
      </li>,
    );
  }
  if (appeal) {
    const by = appeal.by === claim.buyerId ? 'buyer' : 'seller';
    steps.push(
      <li data-step="appeal">
        <span safe>{`Appealed by ${partyFor(by, viewer)} on `}</span>
        <Time at={appeal.at} />.
      </li>,
    );
    if (appeal.outcome)
      steps.push(
        <li data-step="appeal-decision">
          {appeal.outcome === 'upheld' ? 'Appeal upheld' : 'Appeal reversed'} on <Time at={appeal.decidedAt} />
          <span safe>
            {appeal.outcome === 'upheld'
              ? ': the decision stands.'
              : `: the claim is now ${claim.outcome ?? ''}${refundText(appeal.refund, appeal.funding, ',')}.`}
          </span>
          {!!appeal.note && (
            <p class="body" safe>
              {appeal.note}
            </p>
          )}
        </li>,
      );
  }
  if (claim.outcome === 'withdrawn')
    steps.push(
      <li data-step="withdrawn">
        <span safe>{`Withdrawn by ${partyFor('buyer', viewer)} on `}</span>
        <Time at={claim.closedAt} />.
      </li>,
    );
  if (claim.outcome === 'refunded_by_seller')
    steps.push(
      <li data-step="refunded">
        <span safe>{`Refunded by ${partyFor('seller', viewer)} on `}</span>
        <Time at={claim.closedAt} />
        {claim.sellerRefund ? <span safe>{`: ${formatMoney(claim.sellerRefund)}.`}</span> : '.'}
      </li>,
    );
  // A decision nobody appealed closes when its appeal window ends; the other endings close at once, said above.
  if (claim.status === 'closed' && decision && !appeal)
    steps.push(
      <li data-step="closed">
        Closed on <Time at={claim.closedAt} />, when the appeal window ended.
      </li>,
    );
  if (steps.length === 0) return <></>;
  return (
    <>
      <h2>What happened</h2>
      <ul class="what-happened">{steps}</ul>
    </>
  );
}

/** A history entry's words: a state change from → to, or what happened. */
function HistoryEntry(props: { event: ClaimEventView; names: Map<string, string> }): JSX.Element {
  const { event, names } = props;
  const from = typeof event.data.from === 'string' ? event.data.from : null;
  const to = typeof event.data.to === 'string' ? event.data.to : null;
  const what =
    event.type === 'status_changed' && from && to ? `${humanise(from)} → ${humanise(to)}` : humanise(event.type);
  const who =
    event.actorRole === 'system'
      ? 'automatically'
      : `by ${(event.actorId && names.get(event.actorId)) || `the ${event.actorRole}`}`;
  return (
    <li>
      <Time at={event.at} />
      {': '}
      <span safe>{`${what}, ${who}`}</span>
    </li>
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
  const running = claim.runningDeadline;
  const waiting = waitingOn(claim);
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
            <dt>Filed</dt>
            <dd>
              <Time at={claim.createdAt} />
            </dd>
            {running && new Date(running.dueAt) > ctx.now ? (
              <>
                <dt safe>{deadlineLabels(claim, viewer).running}</dt>
                <dd data-deadline={running.deadline}>
                  <Time at={running.dueAt} />
                  {/* The appeal window counts down only for the party who may appeal; for the others it is a date. */}
                  {running.deadline !== 'appeal_window' || claim.allowedActions.includes('appeal') ? (
                    <>
                      <br />
                      <Countdown until={running.dueAt} now={ctx.now} />
                    </>
                  ) : (
                    ''
                  )}
                </dd>
              </>
            ) : running ? (
              <>
                <dt safe>{deadlineLabels(claim, viewer).passed}</dt>
                <dd data-deadline={running.deadline}>
                  <Time at={running.dueAt} />
                </dd>
              </>
            ) : (
              ''
            )}
            {!!waiting && (
              <>
                <dt>Now</dt>
                <dd safe>{waiting}</dd>
              </>
            )}
            {claim.flags.length > 0 && (
              <>
                <dt>Flags</dt>
                <dd safe>{claim.flags.map(humanise).join(', ')}</dd>
              </>
            )}
          </dl>
          <WhatHappened claim={claim} viewer={viewer} />
          <p>
            <a href={`/app/cases/${claim.caseId}`}>The conversation this claim came from</a>
          </p>
          <details>
            <summary>History</summary>
            <ol class="segments claim-history">
              {events.map((event) => (
                <HistoryEntry event={event} names={names} />
              ))}
            </ol>
          </details>
        </aside>
      </div>
    </Layout>
  );
}
