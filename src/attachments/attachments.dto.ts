import { ApiProperty } from '@nestjs/swagger';

export class AttachmentView {
  @ApiProperty({ format: 'uuid', description: 'GET /attachments/:id for the bytes' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'image/jpeg', description: 'As the bytes say' }) contentType: string;
  @ApiProperty({ description: 'Bytes' }) size: number;
}
