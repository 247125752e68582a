import { Module } from '@nestjs/common';
import { AttachmentsGcJob } from './attachments-gc.job.js';
import { AttachmentsController } from './attachments.controller.js';
import { AttachmentsService } from './attachments.service.js';

/** Files on case and claim messages: the store (disk or S3), the rows, downloads. */
@Module({
  controllers: [AttachmentsController],
  providers: [AttachmentsService, AttachmentsGcJob],
  exports: [AttachmentsService],
})
export class AttachmentsModule {}
