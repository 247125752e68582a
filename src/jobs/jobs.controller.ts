import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators.js';
import { JobRegistry } from './job-registry.js';

@ApiTags('operations')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/jobs')
export class JobsController {
  constructor(private readonly jobs: JobRegistry) {}

  @Post(':name/run')
  @HttpCode(200)
  @ApiOkResponse({
    description: 'What the job did, e.g. `{ "job": "sla-sweep", "atRisk": 3, "late": 1, "escalated": 0 }`',
  })
  @ApiNotFoundResponse({ description: 'No job by that name' })
  run(@Param('name') name: string) {
    return this.jobs.run(name);
  }
}
