import { Module } from '@nestjs/common';
import { ClaimPolicies } from '../claims/claim-policies.js';
import { SellersController } from './sellers.controller.js';
import { SellersService } from './sellers.service.js';

@Module({
  controllers: [SellersController],
  providers: [SellersService, ClaimPolicies],
  exports: [SellersService],
})
export class SellersModule {}
