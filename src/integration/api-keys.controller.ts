import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { ApiKeyPageView, ApiKeysQueryDto, CreateApiKeyDto, CreatedApiKeyView } from './api-keys.dto.js';
import { ApiKeysService } from './api-keys.service.js';

/** The marketplace's API keys, for admins (a key cannot make or revoke keys). */
@ApiTags('integration')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CreatedApiKeyView, description: 'The key is in this response only' })
  create(@Body() dto: CreateApiKeyDto, @CurrentCaller() caller: Caller): Promise<CreatedApiKeyView> {
    return this.keys.create(caller, dto);
  }

  @Get()
  @ApiOkResponse({ type: ApiKeyPageView, description: 'Newest first, revoked keys too; never the keys themselves' })
  list(@Query() query: ApiKeysQueryDto): Promise<ApiKeyPageView> {
    return this.keys.list(query);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'Revoked (again: nothing more): refused from the next request on every instance',
  })
  @ApiNotFoundResponse()
  async revoke(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<void> {
    await this.keys.revoke(caller, id);
  }
}
