import { AuditModule } from '../audit/index.js';
import { AuthModule } from '../auth/index.js';
import { Feature } from '../common/feature/feature.js';
import { VersionedWrites } from '../common/persistence/versioned-writes.js';
import { MaintenanceModule } from '../maintenance/index.js';
import { MediaModule } from '../media/index.js';
import { NotificationsModule } from '../notifications/index.js';
import { AdminArticlePreviewsController } from './admin-article-previews.controller.js';
import { AdminArticlesController } from './admin-articles.controller.js';
import { ArticlePreviewsService } from './article-previews.service.js';
import { AdminArticlesService } from './admin-articles.service.js';
import { ArticleGoLive } from './article-go-live.js';
import { ArticleCovers } from './article-covers.js';
import { ArticlePeople } from './article-people.js';
import { ArticleMediaUsage } from './article-media-usage.js';
import { ArticleCount } from './article-count.entity.js';
import { ArticleRevision } from './article-revision.entity.js';
import { ArticleSearch } from './article-search.entity.js';
import { ArticleSlugRedirect } from './article-slug.entity.js';
import { ArticleTag } from './article-tag.entity.js';
import { Article } from './article.entity.js';
import { ArticlesController } from './articles.controller.js';
import { ArticlesRepository } from './articles.repository.js';
import { ArticlesService } from './articles.service.js';
import { demoArticlesSeeder } from './demo-articles.seeder.js';

@Feature({
  tag: {
    name: 'articles',
    description: 'The blog: published articles for the website, drafting and publishing for staff.',
  },
  entities: [Article, ArticleRevision, ArticleSlugRedirect, ArticleTag, ArticleCount, ArticleSearch],
  seeders: [demoArticlesSeeder],
  // AuthModule: preview tokens are signed with the app's keys (TokenService).
  // MediaModule: covers may be media library items (MediaCatalog); ArticleMediaUsage declares that use.
  imports: [AuditModule, AuthModule, NotificationsModule, MaintenanceModule, MediaModule],
  controllers: [ArticlesController, AdminArticlesController, AdminArticlePreviewsController],
  providers: [
    ArticlesRepository,
    ArticlesService,
    AdminArticlesService,
    ArticlePreviewsService,
    ArticleGoLive,
    ArticleCovers,
    ArticlePeople,
    ArticleMediaUsage,
    VersionedWrites,
  ],
})
export class ArticlesModule {}
