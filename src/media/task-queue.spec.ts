import { TaskQueue, UploadSlots } from './image-processing.js';

/** A task that finishes when the test says so. */
function gate<T>(value: T) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { task: async () => (await opened, value), open };
}

/** Lets every settled promise run its continuations. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TaskQueue', () => {
  it('runs at most `limit` tasks at once and the rest in arrival order', async () => {
    const queue = new TaskQueue(1);
    const started: string[] = [];
    const tasks = ['a', 'b', 'c'].map((name) => {
      const g = gate(name);
      return {
        ...g,
        result: queue.run(() => {
          started.push(name);
          return g.task();
        }),
      };
    });
    await settle();
    expect({ started, size: queue.size }).toEqual({ started: ['a'], size: { running: 1, waiting: 2 } });
    tasks[0].open();
    await settle();
    expect(started).toEqual(['a', 'b']);
    tasks[2].open();
    await settle();
    expect(started).toEqual(['a', 'b']);
    tasks[1].open();
    await expect(Promise.all(tasks.map((t) => t.result))).resolves.toEqual(['a', 'b', 'c']);
    expect(queue.size).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses a task while `maxWaiting` others wait (503, retry shortly), and takes it again once they run', async () => {
    const queue = new TaskQueue(1, 1);
    const running = gate('running');
    const waiting = gate('waiting');
    const results = [queue.run(running.task), queue.run(waiting.task)];
    await settle();
    await expect(queue.run(() => Promise.resolve('late'))).rejects.toMatchObject({
      code: 'service_unavailable',
      options: { headers: { 'Retry-After': '5' } },
    });
    running.open();
    await settle();
    const accepted = queue.run(() => Promise.resolve('accepted'));
    waiting.open();
    await expect(Promise.all([...results, accepted])).resolves.toEqual(['running', 'waiting', 'accepted']);
  });

  it('frees the slot of a failed task for the next', async () => {
    const queue = new TaskQueue(2);
    const failing = queue.run(() => Promise.reject(new Error('broken image')));
    const first = gate(1);
    const second = gate(2);
    const ok = [queue.run(first.task), queue.run(second.task)];
    await expect(failing).rejects.toThrow('broken image');
    await settle();
    expect(queue.size).toEqual({ running: 2, waiting: 0 });
    first.open();
    second.open();
    await expect(Promise.all(ok)).resolves.toEqual([1, 2]);
    expect(queue.size).toEqual({ running: 0, waiting: 0 });
  });
});

describe('UploadSlots', () => {
  it('refuses an upload while `max` others hold a slot (503, retry shortly), and admits it once one is given back', () => {
    const slots = new UploadSlots(2);
    const first = slots.take();
    slots.take();
    let refusal: unknown;
    try {
      slots.take();
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'service_unavailable', options: { headers: { 'Retry-After': '5' } } });
    first();
    first();
    expect(slots.inUse).toBe(1);
    slots.take();
    expect(slots.inUse).toBe(2);
  });
});
