import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentCaller, KeyScopes, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { OrderEventDto, OrderView, UpsertOrderDto } from './orders.dto.js';
import { OrdersService } from './orders.service.js';

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @Roles('admin')
  @KeyScopes('orders:write')
  @ApiCreatedResponse({ type: OrderView, description: 'Created' })
  @ApiOkResponse({ type: OrderView, description: 'An order with this externalId already existed: returned unchanged' })
  async upsert(@Body() dto: UpsertOrderDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<OrderView> {
    const { created, order } = await this.orders.upsert(dto);
    reply.status(created ? 201 : 200);
    return order;
  }

  @Post(':id/events')
  @Roles('admin')
  @KeyScopes('orders:write')
  @HttpCode(201)
  @ApiCreatedResponse({
    type: OrderView,
    description: 'The order with its events; the same event twice is stored once',
  })
  addEvent(@Param('id') id: string, @Body() dto: OrderEventDto): Promise<OrderView> {
    return this.orders.addEvent(id, dto);
  }

  @Get(':id')
  @ApiOkResponse({ type: OrderView })
  view(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<OrderView> {
    return this.orders.view(id, caller);
  }
}
