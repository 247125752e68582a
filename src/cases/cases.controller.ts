import { Uploads } from '../attachments/uploads.js';
import { UPLOAD_HELP } from '../attachments/attachments.dto.js';
import type { Upload } from '../attachments/uploads.js';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiBearerAuth,
  ApiConsumes,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import {
  CaseDetailView,
  CasePageView,
  CaseView,
  ListCasesQueryDto,
  MessageView,
  OpenCaseDto,
  PostMessageDto,
  SlaDetailView,
  TimelineEventView,
} from './cases.dto.js';
import { CaseQueriesService } from './case-queries.service.js';
import { CasesService } from './cases.service.js';

/** How a message takes files. */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly queries: CaseQueriesService,
  ) {}

  @Post()
  @Roles('buyer')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'A retry with the same key and body within 24 h returns the first case (header Idempotent-Replayed: true); the same key with another body is 409',
  })
  @ApiCreatedResponse({ type: CaseView })
  @ApiConflictResponse({ description: 'The Idempotency-Key was used with a different body' })
  async open(
    @Body() dto: OpenCaseDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CaseView> {
    const { view, replayed } = await this.cases.open(caller, dto, idempotencyKey);
    reply.status(201);
    if (replayed) reply.header('Idempotent-Replayed', 'true');
    return view;
  }

  @Get()
  @ApiOkResponse({
    type: CasePageView,
    description:
      'Buyers: their cases, newest first. Sellers: their open cases, nearest deadline first. Support: all cases.',
  })
  list(@Query() query: ListCasesQueryDto, @CurrentCaller() caller: Caller): Promise<CasePageView> {
    return this.queries.list(caller, query);
  }

  @Get(':id')
  @ApiOkResponse({
    type: CaseDetailView,
    description: 'The case, with allowedActions: what the caller may do to it now',
  })
  @ApiNotFoundResponse()
  view(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<CaseDetailView> {
    return this.queries.view(caller, id);
  }

  @Post(':id/messages')
  @HttpCode(201)
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ type: PostMessageDto, description: UPLOAD_HELP })
  @ApiCreatedResponse({ type: MessageView })
  @ApiConflictResponse({
    description: 'The case is in a state that does not take messages (problem names currentState)',
  })
  postMessage(
    @Param('id') id: string,
    @Body() dto: PostMessageDto,
    @Uploads() uploads: Upload[],
    @CurrentCaller() caller: Caller,
  ): Promise<MessageView> {
    return this.cases.postMessage(caller, id, dto, uploads);
  }

  @Get(':id/messages')
  @ApiOkResponse({ type: [MessageView] })
  messages(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<MessageView[]> {
    return this.queries.messages(caller, id);
  }

  @Post(':id/no-response-needed')
  @HttpCode(200)
  @ApiOkResponse({ type: CaseView })
  noResponseNeeded(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<CaseView> {
    return this.cases.noResponseNeeded(caller, id);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOkResponse({ type: CaseView })
  resolve(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<CaseView> {
    return this.cases.resolve(caller, id);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @ApiOkResponse({ type: CaseView })
  reopen(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<CaseView> {
    return this.cases.reopen(caller, id);
  }

  @Post(':id/escalate')
  @HttpCode(200)
  @ApiOkResponse({
    type: CaseView,
    description: 'Support steps in; only once the seller is late (409 before, naming currentState and slaState)',
  })
  escalate(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<CaseView> {
    return this.cases.escalate(caller, id);
  }

  @Get(':id/timeline')
  @ApiOkResponse({ type: [TimelineEventView] })
  timeline(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<TimelineEventView[]> {
    return this.queries.timeline(caller, id);
  }

  @Get(':id/sla')
  @ApiOkResponse({ type: SlaDetailView })
  sla(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<SlaDetailView> {
    return this.queries.sla(caller, id);
  }
}
