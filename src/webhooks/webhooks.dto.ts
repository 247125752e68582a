import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { integer, trim } from '../../lib/transforms.js';
import { parseHttpUrl } from './target-policy.js';
import { WEBHOOK_EVENT_TYPES } from './webhooks.js';
import type { WebhookEventType } from './webhooks.js';

export const DELIVERY_STATUSES = ['pending', 'sending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** An http(s) URL as the WHATWG parser (the sender's) reads it; the target policy is the service's, as it depends on configuration and DNS. */
const IsHttpUrl = () =>
  ValidateBy({
    name: 'isHttpUrl',
    validator: {
      validate: (value) => typeof value === 'string' && parseHttpUrl(value) !== null,
      defaultMessage: () => 'url must be an http or https URL',
    },
  });

export class RegisterWebhookDto {
  @ApiProperty({
    example: 'https://marketplace.example/parley/webhooks',
    description:
      'An http(s) URL that answers 2xx to a signed POST. Its host must be a public internet address, or a name that resolves only to public addresses, ' +
      'checked here and again on every delivery: loopback, private, link-local, unique-local, carrier-grade NAT, multicast, reserved and cloud metadata addresses are refused ' +
      '(unless the server runs with WEBHOOK_ALLOW_PRIVATE=true), as are URLs with a user name or password, backslashes, or an IPv4 address not written as four decimal numbers.',
  })
  @Transform(trim)
  @IsHttpUrl()
  @MaxLength(2000)
  @IsString()
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  @IsIn(WEBHOOK_EVENT_TYPES, {
    each: true,
    message: `each value in events must be one of: ${WEBHOOK_EVENT_TYPES.join(', ')}`,
  })
  @ArrayUnique()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayMinSize(1)
  @IsArray()
  events: WebhookEventType[];
}

export class WebhookView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) events: WebhookEventType[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class RegisteredWebhookView extends WebhookView {
  @ApiProperty({ description: 'The signing secret; shown only in this response' }) secret: string;
}

export class WebhookListView {
  @ApiProperty({ type: [WebhookView] }) items: WebhookView[];
}

export class DeliveriesQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES }) @IsOptional() @IsIn(DELIVERY_STATUSES) status?: DeliveryStatus;
  @ApiPropertyOptional({ maximum: 100, default: 50 })
  @IsOptional()
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}

export class DeliveryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The event id, the same on every attempt' }) eventId: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) type: WebhookEventType;
  @ApiProperty({ format: 'uuid' }) endpointId: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: DeliveryStatus;
  @ApiProperty() attempts: number;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the next attempt is due (pending)',
  })
  nextAttemptAt: string | null;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deliveredAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class DeliveryPageView {
  @ApiProperty({ type: [DeliveryView] }) items: DeliveryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
