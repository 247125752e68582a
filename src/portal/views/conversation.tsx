import type { AttachmentView } from '../../attachments/attachments.dto.js';
import type { HeldReason } from '../../conversations/message-view.js';
import type { Role } from '../../users/user.entity.js';
import { Csrf, humanise, Time } from './layout.js';
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

const ROLE_NOTES: Record<Role, string> = {
  agent: ' (customer service) · ',
  seller: ' (seller) · ',
  buyer: ' (buyer) · ',
  admin: ' (admin) · ',
};

/**
 * The note after an author's name saying who they are, unless the name says
 * it already: staff may name themselves "Noah (support)" (a party may not,
 * src/users/display-name.ts), which read "Noah (support) (customer service)".
 */
function roleNote(name: string, role: Role): string {
  const staff = role === 'agent' || role === 'admin';
  return staff && /\)\s*$/.test(name) ? ' · ' : ROLE_NOTES[role];
}

/** What its author can do about a held message, by why it is held. */
const HELD_GUIDANCE: Record<HeldReason, string> = {
  credentials_request:
    'It asks for a password, a login or a code. Nobody on the marketplace needs those: write the message again without asking for them.',
  payment_request:
    'It asks for card or bank details, or to pay outside the marketplace. Payments and refunds go through the marketplace: write the message again without asking for them.',
  review:
    'Customer service is reviewing it and will contact you if needed. Keep contact details and payment requests out of your messages.',
};

/** A held message as its author (and support) see it: held, not delivered, and what to change. */
function HeldNote(props: { reasons: HeldReason[]; mine: boolean }): JSX.Element {
  return (
    <div class="held-note" role="note">
      <p>
        <strong>Held</strong>
        {props.mine
          ? ': the other party has not received this message.'
          : ': the other party does not see this message.'}
      </p>
      {props.mine ? (
        props.reasons.map((reason) => <p safe>{HELD_GUIDANCE[reason]}</p>)
      ) : (
        // Support reads why, not the advice written to the author.
        <p safe>{`Held for: ${props.reasons.map((reason) => reason.replace(/_/g, ' ')).join(', ')}.`}</p>
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
}): JSX.Element {
  return (
    <ol class="conversation">
      {props.messages.map((message) => {
        const name = props.names.get(message.authorId) ?? humanise(message.authorRole);
        const mine = message.authorId === props.viewer.id;
        const classes = [mine ? 'mine' : '', message.internal ? 'internal' : '', message.quarantined ? 'held' : '']
          .filter(Boolean)
          .join(' ');
        return (
          <li id={message.id ? `message-${message.id}` : undefined} class={classes || undefined}>
            <p class="meta">
              <strong safe>{name}</strong>
              <span safe>{roleNote(name, message.authorRole)}</span>
              <Time at={message.createdAt} />
              {message.internal ? ' · internal note' : ''}
              {message.quarantined ? (
                <>
                  {' · '}
                  <span class="state state-held">Held</span>
                </>
              ) : (
                ''
              )}
            </p>
            <p class="body">
              <LinkedText text={message.body} />
            </p>
            {message.quarantined && <HeldNote reasons={message.heldFor ?? ['review']} mine={mine} />}
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
  action: string;
  label: string;
  fileLabel: string;
  message: boolean;
  note: boolean;
  answers?: string;
}): JSX.Element {
  if (!props.message && !props.note) return <></>;
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
        {noteOnly ? 'Internal note (only support sees it)' : props.label}
      </label>
      <textarea id="message-body" name="body" required maxlength="10000"></textarea>
      <label for="message-files" safe>
        {props.fileLabel}
      </label>
      <input id="message-files" name="attachments" type="file" multiple accept="image/*,application/pdf" />
      {props.message && props.note && (
        <label class="inline" data-action="note">
          <input type="checkbox" name="internal" value="true" /> Internal note (only support sees it)
        </label>
      )}
      <p class="actions">
        <button type="submit">{noteOnly ? 'Add note' : 'Send'}</button>
      </p>
    </form>
  );
}
