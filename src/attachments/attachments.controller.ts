import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentCaller } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { AttachmentsService } from './attachments.service.js';
import { sendAttachment } from './download.js';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('attachments')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Get(':id')
  @ApiOkResponse({ description: 'The file, as a download (never shown inline), for whoever may see its message' })
  @ApiNotFoundResponse()
  async download(
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    return sendAttachment(reply, await this.attachments.download(caller, id));
  }
}
