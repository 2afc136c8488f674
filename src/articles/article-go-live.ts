import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { markingSweep, type SweepOutcome, Sweeps } from '../maintenance/index.js';
import { Outbox, WebhookDispatcher } from '../notifications/index.js';
import { articleEvents } from './article-events.js';
import { ArticlesRepository } from './articles.repository.js';

/** Articles announced per run; more wait for the next one, seconds later. */
const GO_LIVE_BATCH = 200;

/**
 * Emits `article.published` for scheduled articles when their `publishedAt` comes: every NOTIFY_DISPATCH_INTERVAL_MS
 * (the webhooks' own pace; 0: only when `runOnce` is called) on one instance at a time, each article once (marked
 * `wentLiveAt` in the transaction that enqueues its event). The event's `occurredAt` is the `publishedAt`, however
 * late the run.
 */
@Injectable()
export class ArticleGoLive implements OnApplicationBootstrap {
  readonly sweep = markingSweep('article-go-live', {
    due: (manager, now) => this.articles.dueToGoLive(now, GO_LIVE_BATCH, manager),
    each: (manager, article) =>
      this.outbox.enqueue(manager, articleEvents.published(article, { occurredAt: article.publishedAt! })),
    mark: (manager, ids, now) => this.articles.markWentLive(ids, now, manager),
  });

  constructor(
    private readonly articles: ArticlesRepository,
    private readonly outbox: Outbox,
    private readonly dispatcher: WebhookDispatcher,
    private readonly sweeps: Sweeps,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeps.schedule(this.sweep, () => this.dispatcher.poke());
  }

  /** One run now: how many articles it announced, or that another instance is running it. */
  runOnce(): Promise<SweepOutcome> {
    return this.sweeps.run(this.sweep);
  }
}
