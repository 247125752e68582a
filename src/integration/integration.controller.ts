import { Body, Controller, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentCaller, KeyScopes, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { OrderEventDto, OrderView } from '../orders/orders.dto.js';
import { IntegrationUserView, UpsertIntegrationOrderDto, UpsertIntegrationUserDto } from './integration.dto.js';
import { IntegrationService } from './integration.service.js';

/**
 * The marketplace's systems' routes (docs/integration.md): people and orders
 * by the marketplace's own ids. For API keys with the scope each names, and
 * for admins.
 */
@ApiTags('integration')
@ApiBearerAuth()
@Roles('admin')
@Controller('integration')
export class IntegrationController {
  constructor(private readonly integration: IntegrationService) {}

  @Put('users/:externalId')
  @KeyScopes('users:write')
  @ApiCreatedResponse({ type: IntegrationUserView, description: 'Made: the first call with this externalId' })
  @ApiOkResponse({ type: IntegrationUserView, description: 'Brought up to date (or unchanged)' })
  @ApiConflictResponse({
    description: 'The email belongs to another account, or the role would change under the person’s cases',
  })
  async upsertUser(
    @Param('externalId') externalId: string,
    @Body() dto: UpsertIntegrationUserDto,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntegrationUserView> {
    const { created, user } = await this.integration.upsertUser(caller, externalId, dto);
    reply.status(created ? 201 : 200);
    return user;
  }

  @Get('users/:externalId')
  @KeyScopes('users:write')
  @ApiOkResponse({ type: IntegrationUserView })
  @ApiNotFoundResponse()
  findUser(@Param('externalId') externalId: string): Promise<IntegrationUserView> {
    return this.integration.findUser(externalId);
  }

  @Put('orders/:externalId')
  @KeyScopes('orders:write')
  @ApiCreatedResponse({ type: OrderView, description: 'Made: the first call with this externalId' })
  @ApiOkResponse({
    type: OrderView,
    description: 'The order with this externalId, unchanged (the same buyer and seller)',
  })
  @ApiConflictResponse({ description: 'This externalId is an order between other people' })
  async upsertOrder(
    @Param('externalId') externalId: string,
    @Body() dto: UpsertIntegrationOrderDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderView> {
    const { created, order } = await this.integration.upsertOrder(externalId, dto);
    reply.status(created ? 201 : 200);
    return order;
  }

  @Post('orders/:externalId/events')
  @KeyScopes('orders:write')
  @HttpCode(201)
  @ApiCreatedResponse({
    type: OrderView,
    description: 'The order with its events; the same event twice is stored once',
  })
  @ApiNotFoundResponse()
  addOrderEvent(@Param('externalId') externalId: string, @Body() dto: OrderEventDto): Promise<OrderView> {
    return this.integration.addOrderEvent(externalId, dto);
  }
}
