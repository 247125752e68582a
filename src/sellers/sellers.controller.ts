import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { PerformanceView } from './sellers.dto.js';
import { SellersService } from './sellers.service.js';

@ApiTags('sellers')
@ApiBearerAuth()
@Controller('sellers')
export class SellersController {
  constructor(private readonly sellers: SellersService) {}

  @Get(':id/performance')
  @ApiOkResponse({ type: PerformanceView, description: 'For the seller itself, agents and admins' })
  @ApiNotFoundResponse()
  performance(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<PerformanceView> {
    return this.sellers.performance(caller, id);
  }
}
