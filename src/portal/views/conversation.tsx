import type { AttachmentView } from '../../attachments/attachments.dto.js';
import type { HeldReason } from '../../conversations/message-view.js';
import type { MessageKey } from '../../i18n/catalogues.js';
import type { Messages } from '../../i18n/messages.js';
import type { Role } from '../../users/user.entity.js';
import { Csrf, Time } from './layout.js';
import type { Viewer } from './layout.js';
import { LinkedText } from './linked-text.js';

/** A message of a case or a claim, as the viewer may see it. */
export interface ConversationMessage {
  id?: string;
  authorId: string;
  authorRole: Role;
  body: string;
  createdAt: string;
  internal?: boolean;
  quarantined?: boolean;
  heldFor?: HeldReason[];
  attachments: AttachmentView[];
}

/** Who wrote a message when their name is not known. */
const ROLE_NAMES: Record<Role, MessageKey> = {
  agent: 'conversation.role.agent',
  seller: 'conversation.role.seller',
  buyer: 'conversation.role.buyer',
  admin: 'conversation.role.admin',
};

const ROLE_NOTES: Record<Role, MessageKey> = {
  agent: 'conversation.author.agent',
  seller: 'conversation.author.seller',
  buyer: 'conversation.author.buyer',
  admin: 'conversation.author.admin',
};

/**
 * The note after an author's name saying who they are, unless the name says
 * it already: staff may name themselves "Noah (support)" (a party may not,
 * src/users/display-name.ts), which read "Noah (support) (customer service)".
 */
function roleNote(i18n: Messages, name: string, role: Role): string {
  const staff = role === 'agent' || role === 'admin';
  return i18n.t(staff && /\)\s*$/.test(name) ? 'conversation.author.named' : ROLE_NOTES[role]);
}

/** Why a message is held, as support reads it. */
const HELD_REASONS: Record<HeldReason, MessageKey> = {
  credentials_request: 'conversation.heldReason.credentialsRequest',
  payment_request: 'conversation.heldReason.paymentRequest',
  review: 'conversation.heldReason.review',
};

/** What its author can do about a held message, by why it is held. */
const HELD_GUIDANCE: Record<HeldReason, MessageKey> = {
  credentials_request: 'conversation.guidance.credentialsRequest',
  payment_request: 'conversation.guidance.paymentRequest',
  review: 'conversation.guidance.review',
};

/** A held message as its author (and support) see it: held, not delivered, and what to change. */
function HeldNote(props: { reasons: HeldReason[]; mine: boolean; i18n: Messages }): JSX.Element {
  const { i18n } = props;
  const reasons = new Intl.ListFormat(i18n.formatLocale, { type: 'unit', style: 'short' }).format(
    props.reasons.map((reason) => i18n.t(HELD_REASONS[reason])),
  );
  const safeHeld = i18n.html(
    props.mine ? 'conversation.held.mine' : 'conversation.held.theirs',
    {},
    { strong: (inner) => `<strong>${inner}</strong>` },
  );
  return (
    <div class="held-note" role="note">
      <p>{safeHeld}</p>
      {props.mine ? (
        props.reasons.map((reason) => <p safe>{i18n.t(HELD_GUIDANCE[reason])}</p>)
      ) : (
        // Support reads why, not the advice written to the author.
        <p safe>{i18n.t('conversation.held.for', { reasons })}</p>
      )}
    </div>
  );
}

export function AttachmentList(props: { files: AttachmentView[] }): JSX.Element {
  if (props.files.length === 0) return <></>;
  return (
    <ul>
      {props.files.map((file) => (
        <li>
          <a href={`/app/attachments/${file.id}`} safe>
            {file.name}
          </a>
        </li>
      ))}
    </ul>
  );
}

/**
 * The messages of a case or claim in the order they were written; the
 * viewer's own marked, internal notes tinted, held messages marked as held
 * with what to change, web links clickable.
 */
export function Conversation(props: {
  viewer: Viewer;
  messages: ConversationMessage[];
  names: Map<string, string>;
  i18n: Messages;
}): JSX.Element {
  const { i18n } = props;
  return (
    <ol class="conversation">
      {props.messages.map((message) => {
        const name = props.names.get(message.authorId) ?? i18n.t(ROLE_NAMES[message.authorRole]);
        const mine = message.authorId === props.viewer.id;
        const classes = [mine ? 'mine' : '', message.internal ? 'internal' : '', message.quarantined ? 'held' : '']
          .filter(Boolean)
          .join(' ');
        return (
          <li id={message.id ? `message-${message.id}` : undefined} class={classes || undefined}>
            <p class="meta">
              <strong safe>{name}</strong>
              <span safe>{roleNote(i18n, name, message.authorRole)}</span>
              <Time at={message.createdAt} i18n={i18n} />
              {message.internal ? <span safe>{i18n.t('conversation.meta.internal')}</span> : ''}
              {message.quarantined ? (
                <>
                  {' · '}
                  <span class="state state-held" safe>
                    {i18n.t('conversation.meta.held')}
                  </span>
                </>
              ) : (
                ''
              )}
            </p>
            {/* A person's words in their own direction, whatever the page's (an English message on an Arabic page). */}
            <p class="body" dir="auto">
              <LinkedText text={message.body} />
            </p>
            {message.quarantined && <HeldNote reasons={message.heldFor ?? ['review']} mine={mine} i18n={i18n} />}
            <AttachmentList files={message.attachments} />
          </li>
        );
      })}
    </ol>
  );
}

/**
 * The box to write a message with files, as far as the viewer's allowed
 * actions go: a message (`data-action="message"`) with the option of an
 * internal note when `note` is allowed too, or an internal note alone
 * (`data-action="note"`). `answers` says that the message answers a request
 * (`data-action="provideInfo"`).
 */
export function MessageForm(props: {
  viewer: Viewer;
  i18n: Messages;
  action: string;
  label: string;
  fileLabel: string;
  message: boolean;
  note: boolean;
  answers?: string;
}): JSX.Element {
  if (!props.message && !props.note) return <></>;
  const { i18n } = props;
  const noteOnly = !props.message;
  return (
    <form
      method="post"
      action={props.action}
      enctype="multipart/form-data"
      class="card"
      data-action={noteOnly ? 'note' : 'message'}
    >
      <Csrf viewer={props.viewer} />
      {noteOnly && <input type="hidden" name="internal" value="true" />}
      {!!props.answers && (
        <p class="notice" data-action="provideInfo" safe>
          {props.answers}
        </p>
      )}
      <label for="message-body" safe>
        {noteOnly ? i18n.t('conversation.form.noteLabel') : props.label}
      </label>
      <textarea id="message-body" name="body" required maxlength="10000"></textarea>
      <label for="message-files" safe>
        {props.fileLabel}
      </label>
      <input id="message-files" name="attachments" type="file" multiple accept="image/*,application/pdf" />
      {props.message && props.note && (
        <label class="inline" data-action="note">
          <input type="checkbox" name="internal" value="true" />{' '}
          <span safe>{i18n.t('conversation.form.noteLabel')}</span>
        </label>
      )}
      <p class="actions">
        <button type="submit" safe>
          {i18n.t(noteOnly ? 'conversation.form.addNote' : 'conversation.form.send')}
        </button>
      </p>
    </form>
  );
}
