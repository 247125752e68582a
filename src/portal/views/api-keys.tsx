import type { MessageKey } from '../../i18n/catalogues.js';
import type { Messages } from '../../i18n/messages.js';
import type { ApiKeyView, CreatedApiKeyView } from '../../integration/api-keys.dto.js';
import { API_SCOPES, type ApiScope } from '../../integration/api-keys.js';
import { Csrf, Layout, PostButton, TableHead, Time } from './layout.js';
import type { PageContext } from './layout.js';

const SCOPE_NAMES: Record<ApiScope, MessageKey> = {
  'users:write': 'admin.apiKeys.scope.usersWrite',
  'orders:write': 'admin.apiKeys.scope.ordersWrite',
  'webhooks:write': 'admin.apiKeys.scope.webhooksWrite',
  'inbound:write': 'admin.apiKeys.scope.inboundWrite',
  'reports:read': 'admin.apiKeys.scope.reportsRead',
};

const scopeName = (i18n: Messages, scope: ApiScope): string => i18n.t(SCOPE_NAMES[scope]);

/** A key's state now: revoked, expired (by `now`), or active. */
function stateOf(key: ApiKeyView, now: Date): 'active' | 'revoked' | 'expired' {
  if (key.revokedAt) return 'revoked';
  return key.expiresAt && Date.parse(key.expiresAt) <= now.getTime() ? 'expired' : 'active';
}

const STATE_NAMES = {
  active: 'admin.apiKeys.state.active',
  revoked: 'admin.apiKeys.state.revoked',
  expired: 'admin.apiKeys.state.expired',
} as const satisfies Record<string, MessageKey>;

/**
 * The admin's API keys (docs/integration.md): the keys, newest first, each by
 * its name and first characters, what it may do, when it stops working and
 * when it was last used, with a button to revoke it; the form to make one;
 * and, once, the key just made.
 */
export function ApiKeysPage(props: { ctx: PageContext; keys: ApiKeyView[]; created?: CreatedApiKeyView }): JSX.Element {
  const { ctx, keys, created } = props;
  const { i18n } = ctx;
  const viewer = ctx.viewer!;
  // Keys run on wall-clock time (as sessions do), whatever the application's clock says.
  const now = new Date();
  const column = {
    name: i18n.t('admin.apiKeys.column.name'),
    prefix: i18n.t('admin.apiKeys.column.prefix'),
    scopes: i18n.t('admin.apiKeys.column.scopes'),
    expires: i18n.t('admin.apiKeys.column.expires'),
    lastUsed: i18n.t('admin.apiKeys.column.lastUsed'),
    state: i18n.t('admin.apiKeys.column.state'),
  };
  return (
    <Layout ctx={ctx} title={i18n.t('admin.apiKeys.title')}>
      <h1 safe>{i18n.t('admin.apiKeys.title')}</h1>
      <p class="muted" safe>
        {i18n.t('admin.apiKeys.intro')}
      </p>
      {!!created && (
        <section class="card new-key" role="status" aria-labelledby="new-key-title">
          <h2 id="new-key-title" safe>
            {i18n.t('admin.apiKeys.created.title')}
          </h2>
          <p safe>{i18n.t('admin.apiKeys.created.text', { name: created.name })}</p>
          <p>
            <code class="secret" safe>
              {created.key}
            </code>
          </p>
        </section>
      )}
      <div class="grid two">
        <section aria-label={i18n.t('admin.apiKeys.list')}>
          {keys.length === 0 ? (
            <p class="muted" safe>
              {i18n.t('admin.apiKeys.empty')}
            </p>
          ) : (
            <table class="stack">
              <TableHead
                columns={[column.name, column.prefix, column.scopes, column.expires, column.lastUsed, column.state]}
              />
              <tbody>
                {keys.map((key) => {
                  const state = stateOf(key, now);
                  return (
                    <tr>
                      <td data-label={column.name} dir="auto" safe>
                        {key.name}
                      </td>
                      <td data-label={column.prefix}>
                        <code safe>{key.prefix}</code>
                      </td>
                      <td data-label={column.scopes}>
                        <ul class="plain">
                          {key.scopes.map((scope) => (
                            <li safe>{scopeName(i18n, scope)}</li>
                          ))}
                        </ul>
                      </td>
                      <td data-label={column.expires}>
                        {key.expiresAt ? (
                          <Time at={key.expiresAt} i18n={i18n} />
                        ) : (
                          <span class="muted" safe>
                            {i18n.t('admin.apiKeys.noExpiry')}
                          </span>
                        )}
                      </td>
                      <td data-label={column.lastUsed}>
                        {key.lastUsedAt ? (
                          <Time at={key.lastUsedAt} i18n={i18n} />
                        ) : (
                          <span class="muted" safe>
                            {i18n.t('admin.apiKeys.neverUsed')}
                          </span>
                        )}
                      </td>
                      <td data-label={column.state}>
                        <span safe>{i18n.t(STATE_NAMES[state])}</span>
                        {state === 'active' && (
                          <>
                            {' '}
                            <PostButton
                              viewer={viewer}
                              action={`/app/admin/api-keys/${key.id}/revoke`}
                              label={i18n.t('admin.apiKeys.revoke')}
                              look="danger"
                              name={i18n.t('admin.apiKeys.revokeKey', { name: key.name })}
                            />
                          </>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>
        <section class="card" aria-labelledby="new-key">
          <h2 id="new-key" safe>
            {i18n.t('admin.apiKeys.new.title')}
          </h2>
          <form method="post" action="/app/admin/api-keys">
            <Csrf viewer={viewer} />
            <label for="name" safe>
              {i18n.t('admin.apiKeys.new.name')}
            </label>
            <input id="name" name="name" type="text" required maxlength="100" />
            <fieldset id="scopes">
              <legend safe>{i18n.t('admin.apiKeys.new.scopes')}</legend>
              {API_SCOPES.map((scope) => (
                <label class="inline">
                  <input type="checkbox" name="scopes" value={scope} /> <span safe>{scopeName(i18n, scope)}</span>
                </label>
              ))}
            </fieldset>
            <label for="expiresAt" safe>
              {i18n.t('admin.apiKeys.new.expiresAt')}
            </label>
            <input id="expiresAt" name="expiresAt" type="date" aria-describedby="expires-hint" />
            <p id="expires-hint" class="muted" safe>
              {i18n.t('admin.apiKeys.new.expiresHint')}
            </p>
            <p class="actions">
              <button type="submit" safe>
                {i18n.t('admin.apiKeys.new.create')}
              </button>
            </p>
          </form>
        </section>
      </div>
    </Layout>
  );
}
