import { In } from 'typeorm';
import { type Seeder, seedTime } from '../common/feature/seeder.js';
import { Practitioner } from '../practitioners/index.js';
import type { PractitionerLinks } from './article-content.js';
import { applyEdits, deriveFields, slugFromTitle, snapshotOf } from './article-content.js';
import { Article, type ArticleStatus } from './article.entity.js';
import { ArticlesRepository } from './articles.repository.js';
import type { CreateArticleRequest } from './dto/article.requests.js';

/** One demo article: what an editor would send, and where it stands in its lifecycle. */
export interface DemoArticle {
  request: CreateArticleRequest;
  status: ArticleStatus;
  /** Null for the draft; in the future for the scheduled one. */
  publishedAt: Date | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const daysFrom = (now: Date, days: number): Date => new Date(now.getTime() + days * DAY_MS);
const dateOnly = (at: Date): string => at.toISOString().slice(0, 10);

const CRISIS_LINE =
  '*If you are in crisis or thinking about harming yourself, please call or text 988 (the Suicide & Crisis Lifeline in the US), or call 911 or your local emergency number right away.*';

const SELF_COMPASSION_BODY = `
Picture a friend calling you after a rough day. They forgot an important email, snapped at their partner, and skipped the workout they promised themselves. You would probably listen, remind them that everyone has days like this, and suggest they get some sleep. Now picture yourself on the same kind of day. For many people, the voice in their head sounds nothing like that friend. It keeps score, replays every misstep, and concludes that this is proof of something wrong with them.

Self-compassion is the practice of offering yourself the same warmth you would offer someone you care about. It is not a personality trait you either have or lack; it is a skill, and like any skill it grows with small, repeated practice. This article looks at what self-compassion really means, how to recognize the inner critic, and a handful of everyday practices you can try this week.

## What Self-Compassion Is (and What It Isn't)

Researchers who study self-compassion often describe three strands that work together. The first is **kindness toward yourself** when things go wrong, rather than harsh judgment. The second is a sense of **shared humanity**: remembering that struggle and imperfection are part of every life, not a private failing. The third is **mindful awareness**, which means noticing painful feelings as they are, without pushing them away or letting them take over the whole picture.

### It is not self-pity

Self-pity tends to shrink the world down to one person and one problem. Self-compassion does the opposite. It widens the view: "This is hard, and I am not the only one who has felt this way." That wider view often makes it easier to take the next step.

### It is not letting yourself off the hook

A common worry is that being kind to ourselves will make us lazy or careless. In practice, people who treat their mistakes with understanding are often *more* willing to own them, because admitting a mistake no longer feels like a threat to their whole worth. You can hold high standards and still speak to yourself with respect.

## Noticing the Inner Critic

Before you can answer the critic, it helps to hear it clearly. It rarely announces itself; it sounds like plain fact. Some familiar lines:

- "You always mess this up."
- "Everyone else manages this without falling apart."
- "You should be over this by now."
- "If you rest, you are falling behind."

Words like *always*, *never*, *everyone* and *should* are useful clues. When you catch one, you do not need to argue or win. Simply naming it ("there is the critic again") creates a little distance between you and the thought, and that distance is where choice begins.

## Small Practices for Ordinary Days

Self-compassion does not require a retreat or an hour of quiet. These practices take a minute or two and fit into an ordinary day.

### The friend test

When you notice yourself spiraling, ask: "What would I say to a close friend in exactly this situation?" Then try saying a version of it to yourself, in writing or under your breath. It may feel awkward at first. That awkwardness is normal and usually fades with repetition.

### A soothing gesture

Many people find that a physical gesture helps the body register kindness before the mind believes it: a hand resting over the heart, a hand on the cheek, or simply wrapping your arms around yourself for a few breaths. It can feel silly, and it often works anyway.

### Name the moment

Try three short phrases when something stings: "This is a moment of struggle. Struggle is part of being human. May I be patient with myself right now." Adjust the words until they sound like you; the point is the attitude, not the script.

### A kinder to-do list

At the end of the day, alongside what you did not finish, write down two things you did manage, however small. Answering a hard message, drinking water, or getting outside for ten minutes all count.

## When Self-Compassion Feels Hard

For some people, kindness toward themselves brings up discomfort, grief or even more criticism at first. This is especially common for those who grew up around harsh expectations or who have lived through trauma. If that happens, go slowly. Start with neutral phrases ("this is hard right now") instead of warm ones, and notice any small easing rather than expecting a big shift.

It can also help to work on this with a therapist. A therapist can help you understand where the critic's voice came from and practice new responses in a safe setting. Reaching out for that support is itself an act of self-compassion.

${CRISIS_LINE}
`;

const GROUNDING_BODY = `
Anxiety has a way of pulling attention into the future. The mind races ahead to everything that could go wrong, and the body reacts as if it is already happening: a tight chest, a fluttering stomach, shallow breathing, restless hands. Grounding is a family of simple techniques that bring attention back to the present moment, where you are usually safer than the anxious mind suggests.

Grounding will not make anxiety vanish, and it is not meant to. Its aim is more modest and more useful: to turn the volume down enough that you can think clearly and choose what to do next. The techniques below are gentle and can be used almost anywhere, from a crowded train to a quiet bedroom.

## Why Anxiety Feels So Physical

When the brain senses a threat, it prepares the body to respond. Heart rate rises, muscles tense, breathing speeds up and digestion slows. This response is helpful when there is real danger. The trouble is that the same system can fire during a difficult meeting, a worrying thought at 2 a.m., or a crowded shop.

Knowing this can be reassuring in itself. A racing heart during anxiety is usually the body doing its job a little too eagerly, not a sign that you are losing control. If you ever have chest pain, trouble breathing or symptoms you are unsure about, though, check with a medical professional; it is always reasonable to rule out physical causes.

## Grounding Through the Senses

Your senses only work in the present, which makes them a reliable way back to it.

### The 5-4-3-2-1 exercise

Slowly name, out loud or silently:

- **5** things you can see, such as the color of a wall or a crack in the pavement
- **4** things you can feel, like your feet in your shoes or the chair under you
- **3** things you can hear, near and far
- **2** things you can smell, or two scents you like if nothing stands out
- **1** thing you can taste, or one slow sip of water

Take your time with each item. The counting gives a busy mind a small, concrete task, and the details keep pulling it back to the room you are in.

### Temperature and texture

Holding something cool, like a glass of water, or running your hands under warm water can interrupt a spiral. So can texture: a smooth stone in your pocket, the weave of a sleeve, the grain of a wooden table. Pay attention to the sensation for a few breaths, describing it to yourself in as much detail as you can.

## Slowing the Breath

Breathing is one of the few parts of the stress response we can steer directly. You do not need a special method; the key is to let the out-breath be a little longer than the in-breath.

### A simple pattern to try

Breathe in gently through your nose for a count of about four, then breathe out slowly through your mouth for a count of about six, as if cooling a spoonful of soup. Repeat for a minute or two. If counting makes you more tense, drop the numbers and simply let each exhale be unhurried. Avoid forcing very deep breaths, which can leave some people light-headed.

## Working With Anxious Thoughts

Once your body has settled a little, you may have more room to look at the thoughts that set it off. A few questions can help:

- Is this thought about something happening now, or something that might happen?
- What would I tell a friend who had this worry?
- What is one small thing within my control in the next hour?

The goal is not to force positive thinking. It is to notice that a thought is a thought, and to choose where to put your attention. Treat yourself kindly while you practice; an anxious mind is not a failing mind, just one that is working hard to protect you.

## When to Reach Out for Help

Grounding is a helpful tool, but it is not a substitute for care. Consider talking with a doctor or a licensed therapist if:

- anxiety is getting in the way of work, school, sleep or relationships
- you are avoiding places or people because of how you might feel
- you have panic attacks, or fear having them
- you are using alcohol or other substances to cope

Therapies such as cognitive behavioral therapy have a strong track record with anxiety, and you do not have to wait until things are at their worst to ask.

${CRISIS_LINE}
`;

const BOUNDARIES_BODY = `
Saying yes can feel like the kind thing to do. Yes to the extra shift, yes to hosting the holiday, yes to answering messages late into the evening. Over time, though, a life with no limits tends to run on empty. Resentment builds, sleep suffers, and the people we were trying to help end up with a tired, distracted version of us.

Boundaries and rest are two sides of the same practice: deciding what you can truly give, and protecting the time you need to recover. Both are easier said than done, especially if you were raised to put everyone else first. This article explores why limits matter, how to set them with warmth, and how to make peace with resting before you have earned it.

## Why Boundaries Are a Form of Care

A boundary is not a wall and it is not a punishment. It is information: "This is what works for me, and this is what doesn't." Clear limits let other people know where they stand, which often makes relationships *more* trusting, not less.

Boundaries also protect what matters most to you. Every yes is a no to something else, whether that is sleep, time with family, or an hour to yourself. Choosing deliberately means those trade-offs stop happening by default.

## Signs Your Limits Need Attention

It is not always obvious that a boundary is missing. Some common signals:

- You feel a knot of dread when a certain name appears on your phone.
- You agree to things and then quietly resent them.
- You regularly skip meals, sleep or medical appointments to meet other people's needs.
- Your days off fill up with obligations before they begin.
- You feel guilty or anxious whenever you are not being useful.

None of these means you have done anything wrong. They are simply cues that your needs deserve a place on the list, too.

## How to Set a Boundary Kindly

### Start small

Practice with lower-stakes situations first, like declining an optional meeting or asking a friend to call at a different time. Each small success builds the confidence you will need for harder conversations.

### Keep the language short and clear

Long explanations can invite debate. A few phrases that tend to work:

- "I can't take that on this week, but I hope it goes well."
- "I'm going to head off now; let's pick this up tomorrow."
- "I'm not able to talk about this right now. Can we come back to it on Saturday?"
- "I don't answer work messages after 7 p.m., and I'll reply first thing."

### Expect some discomfort

Setting a limit often feels uncomfortable, especially the first few times. Discomfort does not mean you are being unkind. Some people may push back, and that is their feeling to have; you can acknowledge it without changing your answer.

## Rest Is Not a Reward

Many of us treat rest as something to be earned once the list is finished. But the list is rarely finished, and running on fumes makes everything harder. Rest is part of the work of living well, not a prize at the end of it.

### Different kinds of rest

Rest is not only sleep. It can also look like:

- **Physical rest:** a nap, a slow stretch, an early night.
- **Mental rest:** a short break away from screens and decisions.
- **Social rest:** time with people who ask nothing of you, or time alone.
- **Creative rest:** music, nature, or art that you enjoy without judging.

Notice which kind you are missing most. Often a small dose of the right kind of rest helps more than a long stretch of the wrong kind.

## Handling Guilt and Pushback

Guilt tends to show up when we act against an old rule, such as "good people never say no." When it arrives, it can help to thank it for trying to keep your relationships safe, and then remind yourself of the reason behind your limit. You can feel guilty and still keep a boundary.

If boundaries feel impossible in a particular relationship, or if someone responds to your limits with threats or intimidation, that is important information. A therapist can help you sort through what is happening and plan next steps, and if you ever feel unsafe, reach out to emergency services.

${CRISIS_LINE}
`;

const SLEEP_DRAFT_BODY = `
Working notes for an article on the two-way link between sleep and mood. Not ready for publication.

## Why Sleep and Mood Travel Together

Outline: short explanation of how poor sleep makes emotions harder to manage, and how low mood and worry make sleep harder. Keep it plain and non-technical.

## The 3 a.m. Mind

Outline: why worries feel bigger in the middle of the night, and a gentle way to respond (getting up briefly, dim light, writing the worry down for the morning).

## Routines That Help

- a consistent wake time, even on weekends
- a wind-down hour with lower light
- less caffeine after midday

To do: ask the clinical team to review before publishing, and add when to talk to a doctor about insomnia.
`;

const GRIEF_BODY = `
Grief does not follow a timetable. It can arrive as a wave in the grocery store months after a loss, or sit quietly in the background of an ordinary afternoon. Many people are surprised not only by how much it hurts but by how harshly they judge themselves for grieving "wrong": too much, too little, for too long.

Self-compassion will not take grief away, and it is not supposed to. What it can do is soften the extra layer of criticism we pile on top, so that the loss itself has room to be felt. This article offers a few gentle ideas for that.

## There Is No Right Way to Grieve

You may have heard of stages of grief. They can be a helpful vocabulary, but grief rarely moves through them in order. People cry or don't, want company or solitude, feel relief alongside sorrow. All of these can be part of a healthy response to loss.

When you notice a thought like "I should be coping better by now," try adding: "and grief takes the time it takes." You do not need to rush toward a finish line.

## Caring for the Body While the Heart Hurts

Grief is exhausting. It can disrupt sleep, appetite and concentration. Small acts of physical care count for a lot during this time:

- eating something simple at regular times, even if you are not hungry
- stepping outside for a few minutes of daylight
- letting yourself rest without needing to explain why
- asking for practical help with meals, errands or paperwork

## Making Room for Memories

Some people find comfort in rituals of remembrance: lighting a candle on a hard date, cooking a favorite recipe of the person they lost, writing them a letter. Others prefer to keep memories private. Either is fine. What matters is choosing what feels supportive for you rather than what others expect.

### When others don't understand

Friends and family may say unhelpful things, often out of their own discomfort. It is okay to gently redirect ("I don't need advice right now, I just need company") or to step back from conversations that leave you drained.

## When Grief Needs More Support

Grief can overlap with depression or become stuck in ways that make daily life very hard for a long time. If you are struggling to function, feel hopeless, or find that nothing eases over many months, a grief counselor or therapist can help. Reaching out is not a sign that you are grieving badly; it is a way of caring for yourself while you carry something heavy.

${CRISIS_LINE}
`;

/** The demo articles as of `now`: three live, one draft, one scheduled a week ahead. Pure, for the tests. */
export function demoArticles(now: Date): DemoArticle[] {
  return [
    {
      request: {
        title: 'Self-Compassion in Everyday Life: Small Practices for Ordinary Days',
        body: SELF_COMPASSION_BODY.trim(),
        tags: ['self-compassion', 'inner-critic', 'mindfulness'],
        coverImage: {
          url: 'https://images.example.org/demo/morning-tea-by-the-window.jpg',
          alt: 'A mug of tea on a sunlit windowsill beside an open notebook',
        },
        author: { name: 'Elena Marsh', credentials: 'LMFT' },
        seo: { title: 'Self-Compassion in Everyday Life', description: null },
      },
      status: 'published',
      publishedAt: daysFrom(now, -30),
    },
    {
      request: {
        title: 'Calming an Anxious Mind: Grounding Techniques You Can Use Anywhere',
        body: GROUNDING_BODY.trim(),
        tags: ['anxiety', 'grounding', 'mindfulness', 'self-compassion'],
        coverImage: {
          url: 'https://images.example.org/demo/smooth-stones-on-the-shore.jpg',
          alt: 'A hand holding a smooth grey stone on a pebble beach',
        },
        author: { name: 'Jordan Reyes', credentials: 'LCSW' },
        review: { reviewedBy: 'Dr. Samuel Okafor, PsyD', reviewedAt: dateOnly(daysFrom(now, -16)) },
      },
      status: 'published',
      publishedAt: daysFrom(now, -14),
    },
    {
      request: {
        title: 'Setting Boundaries and Making Room for Rest',
        body: BOUNDARIES_BODY.trim(),
        tags: ['boundaries', 'rest', 'self-compassion', 'burnout'],
        coverImage: {
          url: 'https://images.example.org/demo/hammock-in-the-shade.jpg',
          alt: 'An empty hammock strung between two trees in afternoon shade',
        },
        author: { name: 'Priya Nair', credentials: 'LPC' },
      },
      status: 'published',
      publishedAt: daysFrom(now, -3),
    },
    {
      request: {
        title: 'Sleep and Mood: Notes Toward a Gentler Night',
        body: SLEEP_DRAFT_BODY.trim(),
        tags: ['sleep', 'anxiety'],
        author: { name: 'Elena Marsh', credentials: 'LMFT' },
      },
      status: 'draft',
      publishedAt: null,
    },
    {
      request: {
        title: 'Grieving Gently: Self-Compassion After a Loss',
        body: GRIEF_BODY.trim(),
        tags: ['grief', 'self-compassion', 'rest'],
        coverImage: {
          url: 'https://images.example.org/demo/candle-at-dusk.jpg',
          alt: 'A single lit candle on a wooden table at dusk',
        },
        author: { name: 'Jordan Reyes', credentials: 'LCSW' },
      },
      status: 'published',
      publishedAt: daysFrom(now, 7),
    },
  ];
}

/** The name in a reviewer's byline: "Dr. Samuel Okafor, PsyD" is Samuel Okafor. */
function reviewerName(reviewedBy: string): string {
  return reviewedBy
    .split(',')[0]
    .replace(/^Dr\.\s+/, '')
    .trim();
}

/** The row to insert for a demo article: its editable fields, the derived ones, status and version 1. */
export function demoArticleRow(
  { request, status, publishedAt }: DemoArticle,
  links: PractitionerLinks = {},
): Partial<Article> {
  const snapshot = applyEdits(undefined, request, request.slug ?? slugFromTitle(request.title), links);
  return { ...snapshot, ...deriveFields(snapshot), status, publishedAt, version: 1, createdBy: null, updatedBy: null };
}

/**
 * A few articles on self-compassion and nearby topics, each with its first revision, linked to the practitioners
 * named as their authors and reviewers (the demo practitioners, seeded before). Skips taken slugs.
 */
export const demoArticlesSeeder: Seeder = {
  name: 'demo-articles',
  async run(manager, context) {
    const articles = new ArticlesRepository(manager.connection);
    const now = seedTime(context);
    const demos = demoArticles(now);
    const names = demos.flatMap((d) => [
      d.request.author.name,
      ...(d.request.review ? [reviewerName(d.request.review.reviewedBy)] : []),
    ]);
    const byName = new Map(
      (await manager.find(Practitioner, { select: { id: true, name: true }, where: { name: In(names) } })).map((p) => [
        p.name,
        p.id,
      ]),
    );
    for (const demo of demos) {
      // Demo content already live is not announced; the scheduled one is, when its time comes.
      const wentLiveAt = demo.publishedAt && demo.publishedAt <= now ? now : null;
      const links = {
        author: byName.get(demo.request.author.name) ?? null,
        reviewer: demo.request.review ? (byName.get(reviewerName(demo.request.review.reviewedBy)) ?? null) : null,
      };
      const article = Object.assign(new Article(), demoArticleRow(demo, links), { wentLiveAt });
      if ((await articles.slugsLike(article.slug, manager)).has(article.slug)) continue;
      await articles.save(article, manager);
      await articles.insertRevision(
        {
          articleId: article.id,
          version: 1,
          action: 'created',
          snapshot: snapshotOf(article),
          actorType: 'system',
          actorId: null,
        },
        manager,
      );
    }
  },
};
