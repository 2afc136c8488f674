import { Module } from '@nestjs/common';
import { AdminApiKeysController } from './admin-api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';

@Module({
  controllers: [AdminApiKeysController],
  providers: [ApiKeysService],
  exports: [ApiKeysService],
})
export class ApiKeysModule {}
