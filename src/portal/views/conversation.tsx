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

const ROLE_NOTES: Record<Role, string> = { agent: ' (customer service) · ', seller: ' (seller) · ', buyer: ' (buyer) · ', admin: ' (admin) · ' };

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
export function Conversation(props: { viewer: Viewer; messages: ConversationMessage[]; names: Map<string, string> }): JSX.Element {
  return (
    <ol class="conversation">
      {props.messages.map((message) => (
        <li class={[message.authorId === props.viewer.id ? 'mine' : '', message.internal ? 'internal' : ''].join(' ').trim() || undefined}>
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

/** The box to write a message with files; support may make it an internal note. */
export function MessageForm(props: { viewer: Viewer; action: string; label: string; fileLabel: string }): JSX.Element {
  return (
    <form method="post" action={props.action} enctype="multipart/form-data" class="card">
      <Csrf viewer={props.viewer} />
      <label for="message-body" safe>
        {props.label}
      </label>
      <textarea id="message-body" name="body" required maxlength="10000"></textarea>
      <label for="message-files" safe>
        {props.fileLabel}
      </label>
      <input id="message-files" name="attachments" type="file" multiple accept="image/*,application/pdf" />
      {props.viewer.role === 'agent' && (
        <label class="inline">
          <input type="checkbox" name="internal" value="true" /> Internal note (only support sees it)
        </label>
      )}
      <p class="actions">
        <button type="submit">Send</button>
      </p>
    </form>
  );
}
