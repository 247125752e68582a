import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { UserView } from '../users/users.dto.js';

export class LoginDto {
  @ApiProperty({ example: 'admin@parley.local' })
  @MaxLength(254)
  @MinLength(1)
  @IsString()
  email: string;

  @ApiProperty()
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  password: string;
}

export class LoginView {
  @ApiProperty() accessToken: string;
  @ApiProperty({ description: 'Seconds until the token expires' }) expiresIn: number;
  @ApiProperty({ type: UserView }) user: Pick<UserView, 'id' | 'email' | 'role' | 'displayName'>;
}

export class ChangePasswordDto {
  @ApiProperty()
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  currentPassword: string;

  @ApiProperty({ minLength: 12, maxLength: 200 })
  @MaxLength(200)
  @MinLength(12)
  @IsString()
  newPassword: string;
}
