import type { AttachmentView } from '../../attachments/attachments.dto.js';
import type { Role } from '../../users/user.entity.js';
import { Csrf, humanise, Time } from './layout.js';
import type { Viewer } from './layout.js';

/** A message of a case or a claim, as the viewer may see it. */
export interface ConversationMessage {
  authorId: string;
  authorRole: Role;
  body: string;
  createdAt: string;
  internal?: boolean;
  quarantined?: boolean;
  attachments: AttachmentView[];
}

const ROLE_NOTES: Record<Role, string> = {
  agent: ' (customer service) · ',
  seller: ' (seller) · ',
  buyer: ' (buyer) · ',
  admin: ' (admin) · ',
};

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

/** The messages of a case or claim, oldest first; the viewer's own marked, internal notes tinted. */
export function Conversation(props: {
  viewer: Viewer;
  messages: ConversationMessage[];
  names: Map<string, string>;
}): JSX.Element {
  return (
    <ol class="conversation">
      {props.messages.map((message) => (
        <li
          class={
            [message.authorId === props.viewer.id ? 'mine' : '', message.internal ? 'internal' : ''].join(' ').trim() ||
            undefined
          }
        >
          <p class="meta">
            <strong safe>{props.names.get(message.authorId) ?? humanise(message.authorRole)}</strong>
            <span safe>{ROLE_NOTES[message.authorRole]}</span>
            <Time at={message.createdAt} />
            {message.internal ? ' · internal note' : ''}
            {message.quarantined ? ' · held for review' : ''}
          </p>
          <p class="body" safe>
            {message.body}
          </p>
          <AttachmentList files={message.attachments} />
        </li>
      ))}
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
