import { Module } from '@nestjs/common';
import { AdminArticlesController } from './admin-articles.controller.js';
import { AdminArticlesService } from './admin-articles.service.js';
import { ArticlesController } from './articles.controller.js';
import { ArticlesService } from './articles.service.js';

@Module({
  controllers: [ArticlesController, AdminArticlesController],
  providers: [ArticlesService, AdminArticlesService],
})
export class ArticlesModule {}
