import { ApiProperty } from '@nestjs/swagger';

export class AttachmentView {
  @ApiProperty({ format: 'uuid', description: 'GET /attachments/:id for the bytes' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'image/jpeg', description: 'As the bytes say' }) contentType: string;
  @ApiProperty({ description: 'Bytes' }) size: number;
}

/** How the message endpoints of cases and claims take files, for their OpenAPI descriptions. */
export const UPLOAD_HELP =
  'JSON, or multipart/form-data with the field body (and internal) and up to 5 files named attachments (images or PDF by their bytes, each ≤ 10 MB; 413 beyond). ' +
  'The caller and its posting limit are checked before the body is read (401, 429); 503 with Retry-After when the instance reads UPLOAD_CONCURRENCY uploads already. ' +
  'A file’s name is stored with the extension of its type and without control, bidi or zero-width characters; a name with a line break is 400.';
