import { Global, Module } from '@nestjs/common';
import { I18n } from './i18n.service.js';

/** The catalogues and the reader's language, for every module. */
@Global()
@Module({ providers: [I18n], exports: [I18n] })
export class I18nModule {}
