import { describe, expect, it } from 'vitest';
import { EvalJobQueue, type EvalJobEvent } from '../../../main/eval/jobs.ts';

describe('EvalJobQueue', () => {
  it('runs jobs one at a time in order and reports progress', async () => {
    const queue = new EvalJobQueue();
    const events: EvalJobEvent[] = [];
    queue.onEvent((e) => events.push(e));
    const order: string[] = [];
    const a = queue.submit('audit', 'first', async (ctx) => {
      order.push('a-start');
      ctx.progress(1, 2);
      await new Promise((r) => setTimeout(r, 5));
      order.push('a-end');
      return 'A';
    });
    const b = queue.submit('xyz', 'second', async () => {
      order.push('b');
      return 'B';
    });
    await expect(a.result).resolves.toBe('A');
    await expect(b.result).resolves.toBe('B');
    expect(order).toEqual(['a-start', 'a-end', 'b']);
    expect(events.find((e) => e.status === 'queued' && e.jobId === b.jobId)).toMatchObject({
      position: 1,
    });
    expect(events).toContainEqual({
      status: 'progress',
      jobId: a.jobId,
      done: 1,
      total: 2,
      message: undefined,
    });
  });

  it('cancels a queued job before it starts and signals a running one', async () => {
    const queue = new EvalJobQueue();
    const events: EvalJobEvent[] = [];
    queue.onEvent((e) => events.push(e));
    const running = queue.submit('audit', 'long', async (ctx) => {
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      return 'stopped';
    });
    const waiting = queue.submit('audit', 'next', async () => 'never');
    queue.cancel(waiting.jobId);
    await expect(waiting.result).rejects.toMatchObject({ code: 'CANCELLED' });
    queue.cancel(running.jobId);
    await expect(running.result).resolves.toBe('stopped');
    expect(events.filter((e) => e.status === 'cancelled').map((e) => e.jobId)).toEqual([
      waiting.jobId,
      running.jobId,
    ]);
  });

  it('reports a failing job as an error with a code and keeps going', async () => {
    const queue = new EvalJobQueue();
    const events: EvalJobEvent[] = [];
    queue.onEvent((e) => events.push(e));
    const bad = queue.submit('benchmark', 'bad', async () => {
      throw new Error('boom');
    });
    const good = queue.submit('benchmark', 'good', async () => 1);
    await expect(bad.result).rejects.toThrow('boom');
    await expect(good.result).resolves.toBe(1);
    expect(events).toContainEqual({
      status: 'error',
      jobId: bad.jobId,
      error: { code: 'INTERNAL', message: 'boom' },
    });
  });
});
