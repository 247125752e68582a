import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { ChangePasswordDto } from '../auth/auth.dto.js';
import { AuthService } from '../auth/auth.service.js';
import { UpdateEmailPreferencesDto } from '../notifications/notifications.dto.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { SellersService } from '../sellers/sellers.service.js';
import { UpdateProfileDto } from '../users/users.dto.js';
import { UsersService } from '../users/users.service.js';
import { I18n } from '../i18n/i18n.service.js';
import { PortalPages } from './portal-pages.js';
import { clearSessionCookie, cookieOptionsFor } from '../auth/browser-session.js';
import { formDto, PortalController, redirectTo } from './portal.js';
import { ProfilePage } from './views/profile.js';
import { PerformancePage, SettingsPage } from './views/settings.js';

/** Everyone's settings (email preferences, password) and profile (name, time zone, language), and the seller's performance. */
@PortalController()
@Controller('app')
export class AccountPagesController {
  constructor(
    private readonly pages: PortalPages,
    private readonly notifications: NotificationsService,
    private readonly sellers: SellersService,
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
    private readonly i18n: I18n,
  ) {}

  @Get('profile')
  async profile(@CurrentCaller() caller: Caller, @Req() request: FastifyRequest): Promise<string> {
    const [ctx, user] = await Promise.all([
      this.pages.context(caller, 'settings', request),
      this.users.findView(caller.id),
    ]);
    return ProfilePage({ ctx, user, languages: this.i18n.choices });
  }

  /**
   * The same change as `PUT /me`; "Not chosen" (an empty choice) clears the
   * time zone, and the language (pages then follow the browser's). The
   * notice is in the language just chosen, as the next page is.
   */
  @Post('profile')
  async updateProfile(
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const timeZone = form.timeZone === '' ? null : form.timeZone;
    const locale = form.locale === '' ? null : form.locale;
    await this.users.updateProfile(
      caller,
      await formDto(UpdateProfileDto, { displayName: form.displayName, timeZone, locale }),
    );
    const i18n = await this.pages.messages(caller, request);
    redirectTo(reply, '/app/profile', i18n.t('account.profile.saved'));
  }

  @Get('settings')
  async settings(@CurrentCaller() caller: Caller, @Req() request: FastifyRequest): Promise<string> {
    const [ctx, preferences] = await Promise.all([
      this.pages.context(caller, 'settings', request),
      this.notifications.preferences(caller.id),
    ]);
    return SettingsPage({ ctx, preferences });
  }

  /** Checked boxes are the categories to email; a locked category is never switched off (its box is disabled and sends nothing). */
  @Post('settings/email')
  async email(
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const checked = new Set(form.email === undefined ? [] : Array.isArray(form.email) ? form.email : [form.email]);
    const current = await this.notifications.preferences(caller.id);
    const categories = Object.fromEntries(
      Object.entries(current.categories)
        .filter(([, preference]) => !preference.locked)
        .map(([category]) => [category, { email: checked.has(category) }]),
    );
    await this.notifications.updatePreferences(caller.id, await formDto(UpdateEmailPreferencesDto, { categories }));
    const i18n = await this.pages.messages(caller, request);
    redirectTo(reply, '/app/settings', i18n.t('settings.email.saved'));
  }

  @Post('settings/password')
  async password(
    @Body() form: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.auth.changePassword(
      caller,
      await formDto(ChangePasswordDto, { currentPassword: form.currentPassword, newPassword: form.newPassword }),
    );
    // Every session ended with the old password, this one too: sign in again.
    clearSessionCookie(reply, cookieOptionsFor(this.config.env.PUBLIC_URL));
    // The sign-in page, signed out, is in the browser's language: so is its notice.
    const i18n = await this.pages.messages(undefined, request);
    redirectTo(reply, '/app/login', i18n.t('settings.password.changed'));
  }

  @Get('performance')
  @Roles('seller')
  async performance(@CurrentCaller() caller: Caller, @Req() request: FastifyRequest): Promise<string> {
    const [ctx, performance] = await Promise.all([
      this.pages.context(caller, 'performance', request),
      this.sellers.performance(caller, caller.id),
    ]);
    return PerformancePage({ ctx, performance });
  }
}
