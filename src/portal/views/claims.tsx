import { escapeHtml } from '@kitajs/html';
import type { ClaimAllowedAction } from '../../claims/claim-actions.js';
import { appellantOf } from '../../claims/appeal-outcome.js';
import type { ClaimFlag, ClaimReason } from '../../claims/claim.entity.js';
import type {
  ClaimDetailView,
  ClaimEventView,
  ClaimMessageView,
  ClaimPageView,
  ClaimView,
  EligibilityView,
  PolicyDurationView,
  ReasonEligibilityView,
} from '../../claims/claims.dto.js';
import { CLAIM_STATUSES, type ClaimStatus } from '../../claims/claim-status.js';
import type { ClaimDeadline } from '../../claims/running-deadline.js';
import type { ConversationEventType } from '../../conversations/conversation.js';
import type { OrderView } from '../../orders/orders.dto.js';
import { moneyInputValue, type Money } from '../../common/money.js';
import type { MessageKey } from '../../i18n/catalogues.js';
import { Html, type HtmlArgs, type Messages } from '../../i18n/messages.js';
import { Countdown, Csrf, FilterSelect, Layout, Pager, TableHead, Time } from './layout.js';
import type { PageContext, Viewer } from './layout.js';
import { Conversation, MessageForm } from './conversation.js';

export const REASON_NAMES: Record<ClaimReason, MessageKey> = {
  item_not_received: 'claims.reason.itemNotReceived',
  damaged_or_defective: 'claims.reason.damagedOrDefective',
  not_as_described: 'claims.reason.notAsDescribed',
  return_not_refunded: 'claims.reason.returnNotRefunded',
};

const STATUS_NAMES: Record<ClaimStatus, MessageKey> = {
  filed: 'claims.status.filed',
  awaiting_seller: 'claims.status.awaitingSeller',
  under_review: 'claims.status.underReview',
  info_requested: 'claims.status.infoRequested',
  granted: 'claims.status.granted',
  denied: 'claims.status.denied',
  withdrawn: 'claims.status.withdrawn',
  refunded_by_seller: 'claims.status.refundedBySeller',
  appealed: 'claims.status.appealed',
  appeal_upheld: 'claims.status.appealUpheld',
  appeal_reversed: 'claims.status.appealReversed',
  closed: 'claims.status.closed',
};

const FLAG_NAMES: Record<ClaimFlag, MessageKey> = {
  no_seller_response: 'claims.flag.noSellerResponse',
  info_not_provided: 'claims.flag.infoNotProvided',
  filed_by_agent: 'claims.flag.filedByAgent',
};

/** The entries a claim's timeline holds: its own steps and its conversation's. */
type ClaimEventType =
  | 'claim_filed'
  | 'status_changed'
  | 'escalation_opened'
  | 'escalation_resolved'
  | 'escalation_resumed'
  | ConversationEventType;

const EVENT_NAMES: Record<ClaimEventType, MessageKey> = {
  claim_filed: 'claims.event.claimFiled',
  status_changed: 'claims.event.statusChanged',
  escalation_opened: 'claims.event.escalationOpened',
  escalation_resolved: 'claims.event.escalationResolved',
  escalation_resumed: 'claims.event.escalationResumed',
  message_posted: 'claims.event.messagePosted',
  internal_note_added: 'claims.event.internalNoteAdded',
  content_policy_violation: 'claims.event.contentPolicyViolation',
  message_quarantined: 'claims.event.messageQuarantined',
};

const isStatus = (value: unknown): value is ClaimStatus =>
  typeof value === 'string' && Object.hasOwn(STATUS_NAMES, value);

const reasonName = (i18n: Messages, reason: string): string => i18n.nameOf(REASON_NAMES, reason);

/** A claim's status as a labelled badge, as `StateBadge` shows an SLA state. */
function StatusBadge(props: { status: ClaimStatus; i18n: Messages }): JSX.Element {
  return (
    <span class={`state state-${props.status}`} safe>
      {props.i18n.t(STATUS_NAMES[props.status])}
    </span>
  );
}

/** An instant for a message's argument: the `<time>` element the page's script rewrites in the reader's zone. */
const time = (at: Date | string | null | undefined, i18n: Messages): Html => new Html(<Time at={at} i18n={i18n} />);

export function ClaimListPage(props: {
  ctx: PageContext;
  page: ClaimPageView;
  names: Map<string, string>;
  status?: string;
}): JSX.Element {
  const { ctx, page, names } = props;
  const { i18n } = ctx;
  const title = i18n.t('claims.list.title', { role: ctx.viewer!.role });
  const column = {
    claim: i18n.t('claims.list.column.claim'),
    parties: i18n.t('claims.list.column.parties'),
    amount: i18n.t('claims.list.column.amount'),
    status: i18n.t('claims.list.column.status'),
    standing: i18n.t('claims.list.column.standing'),
  };
  return (
    <Layout ctx={ctx} title={title}>
      <h1 safe>{title}</h1>
      <FilterSelect
        action="/app/claims"
        id="status"
        label={i18n.t('claims.list.filter.label')}
        name="status"
        options={[
          ['', i18n.t('claims.list.filter.all')],
          ...CLAIM_STATUSES.map((status): [string, string] => [status, i18n.t(STATUS_NAMES[status])]),
        ]}
        selected={props.status}
        i18n={i18n}
      />
      {page.items.length === 0 ? (
        <p class="muted" safe>
          {i18n.t('claims.list.empty')}
        </p>
      ) : (
        <table class="stack">
          <TableHead columns={[column.claim, column.parties, column.amount, column.status, column.standing]} />
          <tbody>
            {page.items.map((claim) => {
              const safeFiled = i18n.html('claims.list.filed', { time: time(claim.createdAt, i18n) });
              return (
                <tr>
                  <td data-label={column.claim}>
                    <a href={`/app/claims/${claim.id}`} safe>
                      {reasonName(i18n, claim.reason)}
                    </a>
                    <br />
                    <span class="muted">{safeFiled}</span>
                  </td>
                  <td data-label={column.parties} safe>
                    {i18n.t('claims.list.parties', {
                      buyer: names.get(claim.buyerId) ?? '',
                      seller: names.get(claim.sellerId) ?? '',
                    })}
                  </td>
                  <td data-label={column.amount} safe>
                    {i18n.money(claim.amount)}
                  </td>
                  <td data-label={column.status}>
                    <StatusBadge status={claim.status} i18n={i18n} />
                  </td>
                  <td data-label={column.standing} class="claim-standing">
                    <Standing claim={claim} ctx={ctx} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Pager
        base="/app/claims"
        label={i18n.t('claims.list.pager')}
        params={{ status: props.status }}
        previous={{ param: 'before', cursor: page.prevCursor }}
        next={{ param: 'cursor', cursor: page.nextCursor }}
        i18n={i18n}
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

function describeWait(duration: PolicyDurationView, i18n: Messages): string {
  if (duration.hours !== undefined) return i18n.t('claims.wait.hours', { count: duration.hours });
  if (duration.days !== undefined) return i18n.t('claims.wait.days', { count: duration.days });
  return i18n.t('claims.wait.businessDays', { count: duration.businessDays ?? 0 });
}

/** Names listed the locale's way, without a conjunction ("A, B, C"). */
const listOf = (names: string[], i18n: Messages): string =>
  new Intl.ListFormat(i18n.formatLocale, { type: 'unit', style: 'short' }).format(names);

/** Where the buyer stands for some reasons, in words, from the answer's code and instants (times in the reader's zone). */
function safeEligibilityText(
  answer: ReasonEligibilityView,
  eligibility: EligibilityView,
  order: OrderView,
  i18n: Messages,
): string {
  const link = (href: string) => (inner: string) => `<a href="${escapeHtml(href)}">${inner}</a>`;
  switch (answer.code) {
    case 'can_claim':
      return i18n.html('claims.eligibility.canClaim', { time: time(answer.windowClosesAt, i18n) });
    case 'refunded':
      return i18n.html('claims.eligibility.refunded');
    case 'open_claim':
      return i18n.html('claims.eligibility.openClaim', {}, { link: link('/app/claims') });
    case 'window_closed':
      return i18n.html('claims.eligibility.windowClosed', { time: time(answer.windowClosesAt, i18n) });
    case 'window_closes_first':
      return i18n.html('claims.eligibility.windowClosesFirst', { time: time(answer.windowClosesAt, i18n) });
    case 'contact_seller':
      return i18n.html(
        'claims.eligibility.contactSeller',
        { wait: describeWait(eligibility.sellerAnswerTime, i18n) },
        { link: link(`/app/cases/new?orderId=${order.id}`) },
      );
    case 'seller_answering':
      return eligibility.contactedAt
        ? i18n.html('claims.eligibility.sellerAnswering', {
            contactedAt: time(eligibility.contactedAt, i18n),
            time: time(answer.eligibleAt, i18n),
          })
        : i18n.html('claims.eligibility.sellerAnsweringUndated', { time: time(answer.eligibleAt, i18n) });
    case 'not_late_yet':
      return i18n.html('claims.eligibility.notLateYet', { time: time(answer.eligibleAt, i18n) });
  }
}

export function NewClaimPage(props: {
  ctx: PageContext;
  order: OrderView;
  eligibility: EligibilityView;
  caseId?: string;
}): JSX.Element {
  const { ctx, order, eligibility } = props;
  const { i18n } = ctx;
  const open = eligibility.reasons.filter((reason) => reason.eligible);
  const groups = groupReasons(eligibility.reasons);
  const soonest = earliestClaim(eligibility);
  const strong = (inner: string) => `<strong>${inner}</strong>`;
  const safeIntro = i18n.html(
    'claims.new.intro',
    { order: order.externalId, total: i18n.money(order.total) },
    { strong },
  );
  const safeNoClaim = soonest
    ? i18n.html('claims.new.noClaimUntil', { time: time(soonest, i18n) })
    : i18n.html('claims.new.noClaim');
  return (
    <Layout ctx={ctx} title={i18n.t('claims.new.title')}>
      <h1 safe>{i18n.t('claims.new.title')}</h1>
      <p>{safeIntro}</p>
      <h2 safe>{i18n.t('claims.new.whenHeading')}</h2>
      <ul class="eligibility">
        {groups.map((group) => {
          const safeAnswer = safeEligibilityText(group[0], eligibility, order, i18n);
          const reasons = listOf(
            group.map((reason) => reasonName(i18n, reason.reason)),
            i18n,
          );
          // Several reasons standing alike are named before the sentence that covers them.
          const safeText =
            groups.length > 1
              ? i18n.html('claims.new.forReasons', { reasons, answer: new Html(safeAnswer) }, { strong })
              : safeAnswer;
          return <li data-code={group[0].code}>{safeText}</li>;
        })}
      </ul>
      {open.length === 0 ? (
        <p class="info-box" role="note">
          {safeNoClaim}
        </p>
      ) : (
        <form method="post" action="/app/claims" class="card">
          <Csrf viewer={ctx.viewer!} />
          <input type="hidden" name="orderId" value={order.id} />
          {!!props.caseId && <input type="hidden" name="caseId" value={props.caseId} />}
          <label for="reason" safe>
            {i18n.t('claims.new.reason')}
          </label>
          <select id="reason" name="reason">
            {open.map((reason) => (
              <option value={reason.reason} safe>
                {reasonName(i18n, reason.reason)}
              </option>
            ))}
          </select>
          <MoneyField
            id="amount"
            label={i18n.t('claims.new.amount', { currency: order.total.currency })}
            value={order.total}
            locale={i18n.locale}
          />
          <label for="body" safe>
            {i18n.t('claims.new.body')}
          </label>
          <textarea id="body" name="body" required maxlength="10000"></textarea>
          <p class="actions">
            <button type="submit" safe>
              {i18n.t('claims.new.submit')}
            </button>
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

/** An amount as the reader writes numbers, with its currency alongside, as `parseMoney` takes the two. */
function MoneyField(props: { id: string; label: string; value: Money; locale: string }): JSX.Element {
  return (
    <>
      <label for={props.id} safe>
        {props.label}
      </label>
      <input
        id={props.id}
        name="amount"
        type="text"
        inputmode="decimal"
        value={moneyInputValue(props.value, props.locale)}
      />
      <input type="hidden" name="currency" value={props.value.currency} />
    </>
  );
}

/** A choice among fixed options: each option's value and its words. */
function Select(props: {
  id: string;
  label: string;
  name?: string;
  options: [value: string, text: string][];
}): JSX.Element {
  return (
    <>
      <label for={props.id} safe>
        {props.label}
      </label>
      <select id={props.id} name={props.name ?? props.id}>
        {props.options.map(([value, text]) => (
          <option value={value} safe>
            {text}
          </option>
        ))}
      </select>
    </>
  );
}

function ClaimSteps(props: { ctx: PageContext; claim: ClaimDetailView }): JSX.Element {
  const { ctx, claim } = props;
  const { i18n } = ctx;
  const viewer = ctx.viewer!;
  const id = claim.id;
  const can = (action: ClaimAllowedAction) => claim.allowedActions.includes(action);
  const steps: JSX.Element[] = [];
  if (can('respond'))
    steps.push(
      <Step viewer={viewer} claimId={id} action="respond" label={i18n.t('claims.steps.respond.submit')}>
        <TextArea id="respond" label={i18n.t('claims.steps.respond.body')} />
      </Step>,
    );
  if (can('refund'))
    steps.push(
      <Step viewer={viewer} claimId={id} action="refund" label={i18n.t('claims.steps.refund.submit')}>
        <MoneyField
          id="refund"
          label={i18n.t('claims.steps.refund.amount', { currency: claim.amount.currency })}
          value={claim.amount}
          locale={i18n.locale}
        />
      </Step>,
    );
  if (can('appeal'))
    steps.push(
      <Step viewer={viewer} claimId={id} action="appeal" label={i18n.t('claims.steps.appeal.submit')}>
        <TextArea id="appeal" label={i18n.t('claims.steps.appeal.body')} />
      </Step>,
    );
  if (can('withdraw'))
    steps.push(
      <Step viewer={viewer} claimId={id} action="withdraw" label={i18n.t('claims.steps.withdraw.submit')} danger />,
    );
  if (can('requestInfo'))
    steps.push(
      <Step viewer={viewer} claimId={id} action="requestInfo" label={i18n.t('claims.steps.requestInfo.submit')}>
        <Select
          id="from"
          label={i18n.t('claims.steps.requestInfo.from')}
          options={[
            ['buyer', i18n.t('claims.steps.requestInfo.fromBuyer')],
            ['seller', i18n.t('claims.steps.requestInfo.fromSeller')],
          ]}
        />
        <TextArea id="ask" label={i18n.t('claims.steps.requestInfo.body')} />
      </Step>,
    );
  if (can('decide'))
    steps.push(
      <Step viewer={viewer} claimId={id} action="decide" label={i18n.t('claims.steps.decide.submit')}>
        <Select
          id="outcome"
          label={i18n.t('claims.steps.decide.outcome')}
          options={[
            ['granted', i18n.t('claims.steps.decide.grant')],
            ['denied', i18n.t('claims.steps.decide.deny')],
          ]}
        />
        <Select
          id="funding"
          label={i18n.t('claims.steps.decide.funding')}
          options={[
            ['seller', i18n.t('claims.steps.decide.fundingSeller')],
            ['marketplace', i18n.t('claims.steps.decide.fundingMarketplace')],
          ]}
        />
        <TextArea id="note" label={i18n.t('claims.steps.decide.note')} name="note" />
      </Step>,
    );
  if (can('decideAppeal'))
    steps.push(
      <Step viewer={viewer} claimId={id} action="decideAppeal" label={i18n.t('claims.steps.decideAppeal.submit')}>
        <Select
          id="appeal-outcome"
          name="outcome"
          label={i18n.t('claims.steps.decideAppeal.outcome')}
          options={[
            ['upheld', i18n.t('claims.steps.decideAppeal.uphold')],
            ['reversed', i18n.t('claims.steps.decideAppeal.reverse')],
          ]}
        />
        <TextArea id="appeal-note" label={i18n.t('claims.steps.decideAppeal.note')} name="note" />
      </Step>,
    );
  if (steps.length === 0) return <></>;
  return (
    <section aria-label={i18n.t('claims.steps.heading')}>
      <h2 safe>{i18n.t('claims.steps.heading')}</h2>
      {steps}
    </section>
  );
}

/** Who a party of a claim is to its reader: `you` for the reader's own side, else the party. */
const partyFor = (party: 'buyer' | 'seller', viewer: Viewer): 'you' | 'buyer' | 'seller' =>
  viewer.role === party ? 'you' : party;

/** The messages of each deadline: while it runs, once passed (the sweep acts on it shortly), and short for the list. */
const DEADLINE_LABELS: Record<ClaimDeadline, { running: MessageKey; passed: MessageKey; short: MessageKey }> = {
  seller_response: {
    running: 'claims.deadline.sellerResponse.running',
    passed: 'claims.deadline.sellerResponse.passed',
    short: 'claims.deadline.sellerResponse.short',
  },
  info_request: {
    running: 'claims.deadline.infoRequest.running',
    passed: 'claims.deadline.infoRequest.passed',
    short: 'claims.deadline.infoRequest.short',
  },
  appeal_window: {
    running: 'claims.deadline.appealWindow.running',
    passed: 'claims.deadline.appealWindow.passed',
    short: 'claims.deadline.appealWindow.short',
  },
};

/** The running deadline's label, said to the reader: whose deadline it is decides the words. */
function deadlineLabel(claim: ClaimView, viewer: Viewer, i18n: Messages, form: 'running' | 'passed' | 'short'): string {
  const deadline = claim.runningDeadline!.deadline;
  const party =
    deadline === 'seller_response'
      ? 'seller'
      : deadline === 'info_request'
        ? (claim.infoFrom ?? 'buyer')
        : appellantOf(claim.decision?.outcome ?? 'granted');
  return i18n.t(DEADLINE_LABELS[deadline][form], { who: partyFor(party, viewer) });
}

/** What a claim waits on when no deadline runs: our team, or nothing (it is finished). */
function waitingOn(claim: ClaimView): MessageKey | null {
  if (claim.status === 'under_review' || claim.status === 'filed') return 'claims.standing.reviewingClaim';
  if (claim.status === 'appealed') return 'claims.standing.reviewingAppeal';
  return null;
}

/** A claim's outcome in one line, for the list: what happened last, and when. */
function safeShortOutcome(claim: ClaimView, i18n: Messages): string {
  if (claim.outcome === 'withdrawn')
    return i18n.html('claims.standing.withdrawn', { time: time(claim.closedAt, i18n) });
  if (claim.outcome === 'refunded_by_seller')
    return i18n.html('claims.standing.refundedBySeller', { time: time(claim.closedAt, i18n) });
  if (claim.appeal?.outcome)
    return claim.appeal.outcome === 'upheld'
      ? i18n.html('claims.standing.appealUpheld', { time: time(claim.appeal.decidedAt, i18n) })
      : i18n.html('claims.standing.appealReversed', {
          outcome: claim.outcome,
          time: time(claim.appeal.decidedAt, i18n),
        });
  if (claim.decision)
    return i18n.html(claim.status === 'closed' ? 'claims.standing.decidedClosed' : 'claims.standing.decided', {
      outcome: claim.decision.outcome,
      time: time(claim.decision.decidedAt, i18n),
    });
  if (claim.closedAt) return i18n.html('claims.standing.closed', { time: time(claim.closedAt, i18n) });
  return `<span class="muted">${i18n.html('claims.list.none')}</span>`;
}

const safeAppealUntil = (at: string, i18n: Messages): string =>
  i18n.html('claims.standing.appealUntil', { time: time(at, i18n) });

/**
 * The list's "Deadline or outcome": how a decided or finished claim ended
 * (with the appeal window, while open), the running deadline with its
 * countdown, or who the claim waits on.
 */
function Standing(props: { claim: ClaimView; ctx: PageContext }): JSX.Element {
  const { claim, ctx } = props;
  const { i18n } = ctx;
  const running = claim.runningDeadline;
  const ahead = running !== null && new Date(running.dueAt) > ctx.now;
  if (claim.decision || claim.closedAt)
    return (
      <>
        {safeShortOutcome(claim, i18n)}
        {running?.deadline === 'appeal_window' && ahead && (
          <>
            <br />
            <span class="muted">{safeAppealUntil(running.dueAt, i18n)}</span>
          </>
        )}
      </>
    );
  if (running) {
    const safeDeadline = i18n.html('claims.standing.labelled', {
      label: deadlineLabel(claim, ctx.viewer!, i18n, ahead ? 'short' : 'passed'),
      value: new Html(
        ahead ? <Countdown until={running.dueAt} now={ctx.now} i18n={i18n} /> : <Time at={running.dueAt} i18n={i18n} />,
      ),
    });
    return <>{safeDeadline}</>;
  }
  const waiting = waitingOn(claim);
  return (
    <span class="muted" safe>
      {i18n.t(waiting ?? 'claims.list.none')}
    </span>
  );
}

/** The decision's sentence: granted or denied, why when automatic, and the refund with who pays it. */
function safeDecisionText(claim: ClaimView, i18n: Messages): string {
  const decision = claim.decision!;
  const automatic = decision.decidedBy === null && decision.outcome === 'granted';
  const args = {
    outcome: decision.outcome,
    time: time(decision.decidedAt, i18n),
    refund: decision.refund ? i18n.money(decision.refund) : null,
    funding: decision.funding,
  };
  if (automatic)
    return i18n.html(decision.refund ? 'claims.happened.autoGrantedRefund' : 'claims.happened.autoGranted', args);
  return i18n.html(decision.refund ? 'claims.happened.decidedRefund' : 'claims.happened.decided', args);
}

/** The appeal's verdict in a sentence: the decision stands, or what the claim is now (with the refund a reversal grants). */
function safeAppealVerdictText(claim: ClaimView, i18n: Messages): string {
  const appeal = claim.appeal!;
  const at = time(appeal.decidedAt, i18n);
  if (appeal.outcome === 'upheld') return i18n.html('claims.happened.appealUpheld', { time: at });
  return i18n.html(appeal.refund ? 'claims.happened.appealReversedRefund' : 'claims.happened.appealReversed', {
    time: at,
    outcome: claim.outcome,
    refund: appeal.refund ? i18n.money(appeal.refund) : null,
    funding: appeal.funding,
  });
}

/** What happened to a claim, each step a sentence with its time: the decision, the appeal, the withdrawal or refund, the close. */
function WhatHappened(props: { claim: ClaimView; viewer: Viewer; i18n: Messages }): JSX.Element {
  const { claim, viewer, i18n } = props;
  const steps: JSX.Element[] = [];
  const { decision, appeal } = claim;
  // A message as HTML: its text and arguments escaped by `i18n.html`.
  const safeSentence = (key: MessageKey, args: HtmlArgs) => i18n.html(key, args);
  if (decision)
    steps.push(
      <li data-step="decision">
        {safeDecisionText(claim, i18n)}
        {/* A person's note as they wrote it; the policy's own note (no decider) says what the sentence above says, in English. */}
        {!!decision.note && decision.decidedBy !== null && (
          <p class="body" dir="auto" safe>
            {decision.note}
          </p>
        )}
      </li>,
    );
  if (appeal) {
    const by = appeal.by === claim.buyerId ? 'buyer' : 'seller';
    steps.push(
      <li data-step="appeal">
        {safeSentence('claims.happened.appealed', { who: partyFor(by, viewer), time: time(appeal.at, i18n) })}
      </li>,
    );
    if (appeal.outcome)
      steps.push(
        <li data-step="appeal-decision">
          {safeAppealVerdictText(claim, i18n)}
          {!!appeal.note && (
            <p class="body" dir="auto" safe>
              {appeal.note}
            </p>
          )}
        </li>,
      );
  }
  if (claim.outcome === 'withdrawn')
    steps.push(
      <li data-step="withdrawn">
        {safeSentence('claims.happened.withdrawn', {
          who: partyFor('buyer', viewer),
          time: time(claim.closedAt, i18n),
        })}
      </li>,
    );
  if (claim.outcome === 'refunded_by_seller')
    steps.push(
      <li data-step="refunded">
        {safeSentence(claim.sellerRefund ? 'claims.happened.refundedAmount' : 'claims.happened.refunded', {
          who: partyFor('seller', viewer),
          time: time(claim.closedAt, i18n),
          refund: claim.sellerRefund ? i18n.money(claim.sellerRefund) : null,
        })}
      </li>,
    );
  // A decision nobody appealed closes when its appeal window ends; the other endings close at once, said above.
  if (claim.status === 'closed' && decision && !appeal)
    steps.push(
      <li data-step="closed">{safeSentence('claims.happened.closed', { time: time(claim.closedAt, i18n) })}</li>,
    );
  if (steps.length === 0) return <></>;
  return (
    <>
      <h2 safe>{i18n.t('claims.happened.heading')}</h2>
      <ul class="what-happened">{steps}</ul>
    </>
  );
}

/** A history entry's words: a state change from → to, or what happened, and by whom. */
function HistoryEntry(props: { event: ClaimEventView; names: Map<string, string>; i18n: Messages }): JSX.Element {
  const { event, names, i18n } = props;
  const { from, to } = event.data;
  const what =
    event.type === 'status_changed' && isStatus(from) && isStatus(to)
      ? i18n.t('claims.history.statusChanged', { from: i18n.t(STATUS_NAMES[from]), to: i18n.t(STATUS_NAMES[to]) })
      : i18n.t(
          Object.hasOwn(EVENT_NAMES, event.type) ? EVENT_NAMES[event.type as ClaimEventType] : 'claims.event.other',
        );
  const at = time(event.at, i18n);
  const name = event.actorId ? names.get(event.actorId) : undefined;
  const safeEntry =
    event.actorRole === 'system'
      ? i18n.html('claims.history.automatic', { time: at, what })
      : name
        ? i18n.html('claims.history.byName', { time: at, what, name })
        : i18n.html('claims.history.byRole', { time: at, what, role: event.actorRole });
  return <li>{safeEntry}</li>;
}

export function ClaimPage(props: {
  ctx: PageContext;
  claim: ClaimDetailView;
  messages: ClaimMessageView[];
  events: ClaimEventView[];
  names: Map<string, string>;
}): JSX.Element {
  const { ctx, claim, messages, events, names } = props;
  const { i18n } = ctx;
  const viewer = ctx.viewer!;
  const title = i18n.t('claims.detail.title', { reason: reasonName(i18n, claim.reason) });
  const running = claim.runningDeadline;
  const waiting = waitingOn(claim);
  return (
    <Layout ctx={ctx} title={title}>
      <p>
        <a href="/app/claims" safe>
          {i18n.t('claims.detail.back')}
        </a>
      </p>
      <h1 safe>{title}</h1>
      <div class="grid two">
        <section aria-label={i18n.t('claims.detail.messages')}>
          <Conversation viewer={viewer} messages={messages} names={names} i18n={i18n} />
          <MessageForm
            viewer={viewer}
            i18n={i18n}
            action={`/app/claims/${claim.id}/messages`}
            label={i18n.t('claims.detail.messageLabel')}
            fileLabel={i18n.t('claims.detail.fileLabel')}
            message={claim.allowedActions.includes('message')}
            note={claim.allowedActions.includes('note')}
            answers={claim.allowedActions.includes('provideInfo') ? i18n.t('claims.detail.answersRequest') : undefined}
          />
          <ClaimSteps ctx={ctx} claim={claim} />
        </section>
        <aside class="card" aria-label={i18n.t('claims.detail.about')}>
          <dl class="facts">
            <dt safe>{i18n.t('claims.detail.status')}</dt>
            <dd>
              <StatusBadge status={claim.status} i18n={i18n} />
            </dd>
            <dt safe>{i18n.t('claims.detail.amount')}</dt>
            <dd safe>{i18n.money(claim.amount)}</dd>
            <dt safe>{i18n.t('claims.detail.buyer')}</dt>
            <dd safe>{names.get(claim.buyerId) ?? ''}</dd>
            <dt safe>{i18n.t('claims.detail.seller')}</dt>
            <dd safe>{names.get(claim.sellerId) ?? ''}</dd>
            <dt safe>{i18n.t('claims.detail.filed')}</dt>
            <dd>
              <Time at={claim.createdAt} i18n={i18n} />
            </dd>
            {running && new Date(running.dueAt) > ctx.now ? (
              <>
                <dt safe>{deadlineLabel(claim, viewer, i18n, 'running')}</dt>
                <dd data-deadline={running.deadline}>
                  <Time at={running.dueAt} i18n={i18n} />
                  {/* The appeal window counts down only for the party who may appeal; for the others it is a date. */}
                  {running.deadline !== 'appeal_window' || claim.allowedActions.includes('appeal') ? (
                    <>
                      <br />
                      <Countdown until={running.dueAt} now={ctx.now} i18n={i18n} />
                    </>
                  ) : (
                    ''
                  )}
                </dd>
              </>
            ) : running ? (
              <>
                <dt safe>{deadlineLabel(claim, viewer, i18n, 'passed')}</dt>
                <dd data-deadline={running.deadline}>
                  <Time at={running.dueAt} i18n={i18n} />
                </dd>
              </>
            ) : (
              ''
            )}
            {!!waiting && (
              <>
                <dt safe>{i18n.t('claims.detail.now')}</dt>
                <dd safe>{i18n.t(waiting)}</dd>
              </>
            )}
            {claim.flags.length > 0 && (
              <>
                <dt safe>{i18n.t('claims.detail.flags')}</dt>
                <dd safe>
                  {listOf(
                    claim.flags.map((flag) => i18n.t(FLAG_NAMES[flag])),
                    i18n,
                  )}
                </dd>
              </>
            )}
          </dl>
          <WhatHappened claim={claim} viewer={viewer} i18n={i18n} />
          <p>
            <a href={`/app/cases/${claim.caseId}`} safe>
              {i18n.t('claims.detail.case')}
            </a>
          </p>
          <details>
            <summary safe>{i18n.t('claims.history.summary')}</summary>
            <ol class="segments claim-history">
              {events.map((event) => (
                <HistoryEntry event={event} names={names} i18n={i18n} />
              ))}
            </ol>
          </details>
        </aside>
      </div>
    </Layout>
  );
}
