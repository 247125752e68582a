import { Body, Controller, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '../auth/auth.decorators.js';
import type { Caller } from '../auth/auth.decorators.js';
import { UpdateProfileDto, UserView } from './users.dto.js';
import { UsersService } from './users.service.js';

/** The caller's own profile (`GET /me` is with sign-in, in the auth module). */
@ApiTags('users')
@ApiBearerAuth()
@Controller('me')
export class ProfileController {
  constructor(private readonly users: UsersService) {}

  @Put()
  @ApiOperation({
    summary: 'Change your own display name or time zone',
    description:
      "Any signed-in user. Fields left out stay as they are; `timeZone: null` clears the choice. A seller's business calendar (and so its reply deadlines) keeps its own zone, which admins manage.",
  })
  @ApiOkResponse({ type: UserView })
  @ApiBadRequestResponse({
    description: 'An unknown time zone, or a display name that is empty, too long or passes for the marketplace',
  })
  updateProfile(@Body() dto: UpdateProfileDto, @CurrentCaller() caller: Caller): Promise<UserView> {
    return this.users.updateProfile(caller, dto);
  }
}
