import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentCaller, Roles } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { AdminUpdateUserDto, CreateUserDto, UserView } from './users.dto.js';
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

  @Put(':id')
  @ApiOkResponse({ type: UserView, description: "The user's language set for them (null clears the choice); audited" })
  @ApiBadRequestResponse({ description: 'A locale Parley does not speak, or not a BCP 47 tag' })
  update(@Param('id') id: string, @Body() dto: AdminUpdateUserDto, @CurrentCaller() caller: Caller): Promise<UserView> {
    return this.users.adminUpdate(caller, id, dto);
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
