import { ApiProperty } from '@nestjs/swagger';

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
