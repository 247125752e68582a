import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { EscalationsModule } from '../escalations/escalations.module.js';
import { ConversationsService } from './conversations.service.js';
import { ClaimMessage, Message } from './message.entity.js';

/** The conversation core: messages of cases and claims, the content policy, content violations and quarantine. */
@Module({
  imports: [TypeOrmModule.forFeature([Message, ClaimMessage]), EscalationsModule, AttachmentsModule],
  providers: [ConversationsService],
  exports: [ConversationsService],
})
export class ConversationsModule {}
