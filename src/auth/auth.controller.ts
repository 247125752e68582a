import { Body, Controller, Get, HttpCode, Post, Put, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { UserView } from '../users/users.dto.js';
import { UsersService } from '../users/users.service.js';
import { CurrentCaller, Public } from './auth.decorators.js';
import type { Caller } from './auth.decorators.js';
import { ChangePasswordDto, LoginDto, LoginView } from './auth.dto.js';
import { AuthService } from './auth.service.js';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginView })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password' })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts for this account or address; see Retry-After' })
  login(@Body() dto: LoginDto, @Req() request: FastifyRequest): Promise<LoginView> {
    return this.auth.login(dto, request.ip);
  }

  @Post('auth/logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'This token stops working, on every instance' })
  async logout(@CurrentCaller() caller: Caller): Promise<void> {
    await this.auth.logout(caller);
  }

  @Post('auth/logout-all')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Sign out everywhere',
    description:
      'Ends every session of the caller, this token included: every access token issued to the account before stops working, on every instance at once.',
  })
  @ApiNoContentResponse({
    description: 'Every token of this account issued before stops working, on every instance; sign in again',
  })
  @ApiUnauthorizedResponse({ description: 'No valid bearer access token' })
  async logoutEverywhere(@CurrentCaller() caller: Caller): Promise<void> {
    await this.auth.logoutEverywhere(caller);
  }

  @Put('me/password')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'Every token issued before stops working; sign in again with the new password' })
  @ApiBadRequestResponse({ description: 'currentPassword is wrong, or newPassword is invalid' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong current passwords for this account; see Retry-After' })
  async changePassword(@Body() dto: ChangePasswordDto, @CurrentCaller() caller: Caller): Promise<void> {
    await this.auth.changePassword(caller, dto);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOkResponse({ type: UserView })
  me(@CurrentCaller() caller: Caller): Promise<UserView> {
    return this.users.findView(caller.id);
  }
}
