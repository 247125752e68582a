import type { Category } from '../../notifications/categories.js';
import { CATEGORY_NAMES } from './inbox.js';
import { Layout } from './layout.js';
import type { PageContext } from './layout.js';

const SETTINGS = '/app/settings';

/** The page an email's unsubscribe link opens: what it would turn off, and one button; nothing changes until it is pressed. */
export function UnsubscribeConfirmPage(props: { ctx: PageContext; category: Category; token: string }): JSX.Element {
  const name = CATEGORY_NAMES[props.category];
  return (
    <Layout ctx={props.ctx} title="Unsubscribe">
      <h1 safe>{`Stop “${name}” emails?`}</h1>
      <p safe>
        {`Parley will stop emailing you about “${name}”. You still see these messages in your Message Center, and other emails (the messages of your cases and claims, for example) keep coming.`}
      </p>
      <form method="post" action="/app/unsubscribe" class="actions">
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">Unsubscribe</button>
      </form>
      <p>
        <a href={SETTINGS}>Choose all your email settings instead</a> (you will be asked to sign in).
      </p>
    </Layout>
  );
}

/** After the button: what was turned off, and where to turn it back on. */
export function UnsubscribedPage(props: { ctx: PageContext; category: Category }): JSX.Element {
  const name = CATEGORY_NAMES[props.category];
  return (
    <Layout ctx={props.ctx} title="Unsubscribed">
      <h1>You are unsubscribed</h1>
      <p class="notice" role="status" safe>
        {`Emails about “${name}” are turned off for your account.`}
      </p>
      <p>You still see these messages in your Message Center.</p>
      <p>
        Changed your mind? <a href={SETTINGS}>Turn them back on in your email settings</a> (you will be asked to sign
        in).
      </p>
    </Layout>
  );
}

/** An unsubscribe link that is incomplete, altered or older than its 180 days. */
export function UnsubscribeLinkInvalidPage(props: { ctx: PageContext }): JSX.Element {
  return (
    <Layout ctx={props.ctx} title="Link not valid">
      <h1>This unsubscribe link does not work</h1>
      <p>It may be incomplete (copy the whole link from the email), or older than 180 days. Nothing was changed.</p>
      <p>
        <a href={SETTINGS}>Choose which emails you get in your settings</a> (you will be asked to sign in).
      </p>
    </Layout>
  );
}
