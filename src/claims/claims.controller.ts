import { Uploads } from '../attachments/uploads.js';
import type { Upload } from '../attachments/uploads.js';
import { UPLOAD_HELP } from '../attachments/attachments.dto.js';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { ClaimQueriesService } from './claim-queries.service.js';
import { ClaimsService } from './claims.service.js';
import {
  BodyDto,
  ClaimDetailView,
  ClaimEventView,
  ClaimMessageDto,
  ClaimMessageView,
  ClaimPageView,
  ClaimView,
  DecideAppealDto,
  DecideDto,
  EligibilityQueryDto,
  EligibilityView,
  FileClaimDto,
  FileForBuyerDto,
  ListClaimsQueryDto,
  RefundDto,
  RequestInfoDto,
} from './claims.dto.js';

const WRONG_STATE = 'The claim is in a state that does not allow this (the problem names currentState)';

@ApiTags('claims')
@ApiBearerAuth()
@Controller('claims')
export class ClaimsController {
  constructor(
    private readonly claims: ClaimsService,
    private readonly queries: ClaimQueriesService,
  ) {}

  @Get('eligibility')
  @ApiOkResponse({
    type: EligibilityView,
    description:
      "For each reason: eligible now, or the earliest instant (eligibleAt) and the rule that holds it back. The order's buyer and support.",
  })
  @ApiNotFoundResponse()
  eligibility(@Query() query: EligibilityQueryDto, @CurrentCaller() caller: Caller): Promise<EligibilityView> {
    return this.claims.eligibilityFor(caller, query.orderId);
  }

  @Post()
  @Roles('buyer')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key and body within 24 h returns the first claim (Idempotent-Replayed: true)',
  })
  @ApiCreatedResponse({ type: ClaimView })
  @ApiUnprocessableEntityResponse({ description: 'Not eligible: the problem has `rule` and, when known, `eligibleAt`' })
  @ApiConflictResponse({
    description: 'Another open claim on the order, or the Idempotency-Key was used with another body',
  })
  async file(
    @Body() dto: FileClaimDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ClaimView> {
    const { view, replayed } = await this.claims.file(caller, dto, idempotencyKey);
    reply.status(201);
    if (replayed) reply.header('Idempotent-Replayed', 'true');
    return view;
  }

  @Get()
  @ApiOkResponse({
    type: ClaimPageView,
    description: 'Buyers: claims they filed; sellers: claims against them; support: all. Newest first.',
  })
  list(@Query() query: ListClaimsQueryDto, @CurrentCaller() caller: Caller): Promise<ClaimPageView> {
    return this.queries.list(caller, query);
  }

  @Get(':id')
  @ApiOkResponse({
    type: ClaimDetailView,
    description: 'The claim, with allowedActions: what the caller may do to it now',
  })
  @ApiNotFoundResponse()
  view(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<ClaimDetailView> {
    return this.queries.view(caller, id);
  }

  @Post(':id/messages')
  @HttpCode(201)
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ type: ClaimMessageDto, description: UPLOAD_HELP })
  @ApiCreatedResponse({ type: ClaimMessageView, description: "The asked party's message answers an info request" })
  @ApiConflictResponse({ description: WRONG_STATE })
  postMessage(
    @Param('id') id: string,
    @Body() dto: ClaimMessageDto,
    @Uploads() uploads: Upload[],
    @CurrentCaller() caller: Caller,
  ): Promise<ClaimMessageView> {
    return this.claims.postMessage(caller, id, dto, uploads);
  }

  @Get(':id/messages')
  @ApiOkResponse({ type: [ClaimMessageView] })
  messages(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<ClaimMessageView[]> {
    return this.queries.messages(caller, id);
  }

  @Get(':id/timeline')
  @ApiOkResponse({ type: [ClaimEventView] })
  timeline(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<ClaimEventView[]> {
    return this.queries.timeline(caller, id);
  }

  @Post(':id/respond')
  @HttpCode(200)
  @ApiOkResponse({ type: ClaimView, description: 'Seller: awaiting_seller → under_review' })
  @ApiForbiddenResponse()
  @ApiConflictResponse({ description: WRONG_STATE })
  respond(@Param('id') id: string, @Body() dto: BodyDto, @CurrentCaller() caller: Caller): Promise<ClaimView> {
    return this.claims.respond(caller, id, dto);
  }

  @Post(':id/refund')
  @HttpCode(200)
  @ApiOkResponse({ type: ClaimView, description: 'Seller, before a decision: → refunded_by_seller → closed' })
  @ApiForbiddenResponse()
  @ApiConflictResponse({ description: WRONG_STATE })
  refund(@Param('id') id: string, @Body() dto: RefundDto, @CurrentCaller() caller: Caller): Promise<ClaimView> {
    return this.claims.refund(caller, id, dto);
  }

  @Post(':id/request-info')
  @HttpCode(200)
  @ApiOkResponse({ type: ClaimView, description: 'Agent: under_review → info_requested' })
  @ApiForbiddenResponse()
  @ApiConflictResponse({ description: WRONG_STATE })
  requestInfo(
    @Param('id') id: string,
    @Body() dto: RequestInfoDto,
    @CurrentCaller() caller: Caller,
  ): Promise<ClaimView> {
    return this.claims.requestInfo(caller, id, dto);
  }

  @Post(':id/decide')
  @HttpCode(200)
  @ApiOkResponse({
    type: ClaimView,
    description: 'Agent: → granted | denied; two agents at once: one wins, the other gets 409',
  })
  @ApiForbiddenResponse()
  @ApiConflictResponse({ description: WRONG_STATE })
  decide(@Param('id') id: string, @Body() dto: DecideDto, @CurrentCaller() caller: Caller): Promise<ClaimView> {
    return this.claims.decide(caller, id, dto);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOkResponse({ type: ClaimView, description: 'Buyer, before a decision: → withdrawn → closed' })
  @ApiForbiddenResponse()
  @ApiConflictResponse({ description: WRONG_STATE })
  withdraw(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<ClaimView> {
    return this.claims.withdraw(caller, id);
  }

  @Post(':id/appeal')
  @HttpCode(200)
  @ApiOkResponse({
    type: ClaimView,
    description: 'The party the decision went against, within the appeal window: → appealed',
  })
  @ApiForbiddenResponse()
  @ApiConflictResponse({ description: WRONG_STATE })
  appeal(@Param('id') id: string, @Body() dto: BodyDto, @CurrentCaller() caller: Caller): Promise<ClaimView> {
    return this.claims.appeal(caller, id, dto);
  }

  @Post(':id/decide-appeal')
  @HttpCode(200)
  @ApiOkResponse({
    type: ClaimView,
    description: 'An agent other than the first decider: → appeal_upheld | appeal_reversed → closed',
  })
  @ApiForbiddenResponse()
  @ApiConflictResponse({ description: WRONG_STATE })
  decideAppeal(
    @Param('id') id: string,
    @Body() dto: DecideAppealDto,
    @CurrentCaller() caller: Caller,
  ): Promise<ClaimView> {
    return this.claims.decideAppeal(caller, id, dto);
  }
}

/** Support opens a claim for the buyer from an escalation. */
@ApiTags('support')
@ApiBearerAuth()
@Controller('escalations')
export class EscalationClaimsController {
  constructor(private readonly claims: ClaimsService) {}

  @Post(':id/claim')
  @HttpCode(201)
  @ApiCreatedResponse({
    type: ClaimView,
    description: "A claim for the buyer of the escalation's case (the waiting rules are waived)",
  })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Another open claim on the order, or the escalation is resolved' })
  fileForBuyer(
    @Param('id') id: string,
    @Body() dto: FileForBuyerDto,
    @CurrentCaller() caller: Caller,
  ): Promise<ClaimView> {
    return this.claims.fileForBuyer(caller, id, dto);
  }
}
