import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { CreateUserDto, UserView } from './users.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiCreatedResponse({ type: UserView })
  @ApiConflictResponse({ description: 'The email is taken' })
  register(@Body() dto: CreateUserDto, @CurrentCaller() caller: Caller): Promise<UserView> {
    return this.users.register(caller, dto);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOkResponse({
    type: UserView,
    description: 'The user cannot sign in, and its tokens stop working at once on every instance',
  })
  disable(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<UserView> {
    return this.users.setDisabled(caller, id, true);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOkResponse({ type: UserView, description: 'The user may sign in again (tokens from before stay refused)' })
  enable(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<UserView> {
    return this.users.setDisabled(caller, id, false);
  }
}
