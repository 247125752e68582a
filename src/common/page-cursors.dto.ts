import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** The two cursors of a list that pages both ways: what every such page carries besides its items. */
export abstract class PageCursors {
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the page after this one' })
  nextCursor: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as before for the page before this one; null on the first page',
  })
  prevCursor: string | null;
}

/** The query of a list that pages both ways: a page after `cursor` (its nextCursor), or before `before` (its prevCursor). */
export abstract class PageQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @MaxLength(500)
  @IsString()
  cursor?: string;

  @ApiPropertyOptional({ description: 'prevCursor of the next page: the page before it (not with cursor)' })
  @IsOptional()
  @MaxLength(500)
  @IsString()
  before?: string;
}
