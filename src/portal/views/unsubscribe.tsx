import type { Category } from '../../notifications/categories.js';
import type { Messages } from '../../i18n/messages.js';
import { CATEGORY_MESSAGES } from './inbox.js';
import { Layout } from './layout.js';
import type { PageContext } from './layout.js';

const SETTINGS = '/app/settings';

/** The `<link>` of a message: to the email settings. */
const settingsLink = { link: (inner: string) => `<a href="${SETTINGS}">${inner}</a>` };

const categoryName = (i18n: Messages, category: Category) => i18n.t(CATEGORY_MESSAGES[category]);

/** The page an email's unsubscribe link opens: what it would turn off, and one button; nothing changes until it is pressed. */
export function UnsubscribeConfirmPage(props: { ctx: PageContext; category: Category; token: string }): JSX.Element {
  const { i18n } = props.ctx;
  const name = categoryName(i18n, props.category);
  const safeInstead = i18n.html('settings.unsubscribe.instead', {}, settingsLink);
  return (
    <Layout ctx={props.ctx} title={i18n.t('settings.unsubscribe.pageTitle')}>
      <h1 safe>{i18n.t('settings.unsubscribe.title', { name })}</h1>
      <p safe>{i18n.t('settings.unsubscribe.explanation', { name })}</p>
      <form method="post" action="/app/unsubscribe" class="actions">
        <input type="hidden" name="token" value={props.token} />
        <button type="submit" safe>
          {i18n.t('settings.unsubscribe.button')}
        </button>
      </form>
      <p>{safeInstead}</p>
    </Layout>
  );
}

/** After the button: what was turned off, and where to turn it back on. */
export function UnsubscribedPage(props: { ctx: PageContext; category: Category }): JSX.Element {
  const { i18n } = props.ctx;
  const name = categoryName(i18n, props.category);
  const safeUndo = i18n.html('settings.unsubscribed.undo', {}, settingsLink);
  return (
    <Layout ctx={props.ctx} title={i18n.t('settings.unsubscribed.pageTitle')}>
      <h1 safe>{i18n.t('settings.unsubscribed.title')}</h1>
      <p class="notice" role="status" safe>
        {i18n.t('settings.unsubscribed.notice', { name })}
      </p>
      <p safe>{i18n.t('settings.unsubscribed.stillSeen')}</p>
      <p>{safeUndo}</p>
    </Layout>
  );
}

/** An unsubscribe link that is incomplete, altered or older than its 180 days. */
export function UnsubscribeLinkInvalidPage(props: { ctx: PageContext }): JSX.Element {
  const { i18n } = props.ctx;
  const safeSettings = i18n.html('settings.unsubscribeInvalid.settings', {}, settingsLink);
  return (
    <Layout ctx={props.ctx} title={i18n.t('settings.unsubscribeInvalid.pageTitle')}>
      <h1 safe>{i18n.t('settings.unsubscribeInvalid.title')}</h1>
      <p safe>{i18n.t('settings.unsubscribeInvalid.explanation', { days: 180 })}</p>
      <p>{safeSettings}</p>
    </Layout>
  );
}
