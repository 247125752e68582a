import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

export class RebaseDto {
  @ApiPropertyOptional({ default: true, description: 'Report what would change without changing it' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

export class RebaseView {
  @ApiProperty({ format: 'uuid' }) calendarId: string;
  @ApiProperty({ description: 'The version open cycles move to (the current one)' }) version: number;
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ description: 'Open reply cycles on an older version of this calendar' }) openCycles: number;
  @ApiProperty({ description: 'Of those, the ones whose deadlines move' }) wouldChange: number;
  @ApiProperty({ description: 'Of those, the ones that would become late now' }) wouldBecomeLate: number;
  @ApiProperty({ description: 'Cases changed (0 on a dry run)' }) changed: number;
}
