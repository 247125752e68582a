import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, KeyScopes } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { PerformanceView } from './sellers.dto.js';
import { SellersService } from './sellers.service.js';

@ApiTags('sellers')
@ApiBearerAuth()
@Controller('sellers')
export class SellersController {
  constructor(private readonly sellers: SellersService) {}

  @Get(':id/performance')
  @KeyScopes('reports:read')
  @ApiOkResponse({
    type: PerformanceView,
    description: 'For the seller itself, agents, admins and API keys with reports:read',
  })
  @ApiNotFoundResponse()
  performance(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<PerformanceView> {
    return this.sellers.performance(caller, id);
  }
}
