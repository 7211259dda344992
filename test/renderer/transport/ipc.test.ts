import { describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../common/errors.ts';
import type { EmulsionBridge } from '../../../common/ipc.ts';
import { createIpcTransport, unwrap } from '../../../renderer/transport/ipc.ts';

describe('unwrap()', () => {
  it('returns the value of an ok envelope and throws the rebuilt error otherwise', () => {
    expect(unwrap({ ok: true, value: 3 })).toBe(3);
    expect(() =>
      unwrap({ ok: false, error: { code: 'IO_ERROR', message: 'disk full', file: '/o/a.png' } }),
    ).toThrow(
      expect.objectContaining({
        code: 'IO_ERROR',
        message: 'disk full',
        details: { file: '/o/a.png' },
      }),
    );
  });
});

describe('createIpcTransport()', () => {
  it('calls the bridge function of the same name and rejects with EmulsionError', async () => {
    const calls: unknown[] = [];
    const bridge = {
      cancel: async (r: unknown) => {
        calls.push(r);
        return {
          ok: false,
          error: { code: 'INVALID_ARGUMENT', message: 'unknown job', field: 'jobId' },
        };
      },
      onJobEvent: () => () => undefined,
    } as unknown as EmulsionBridge;
    const t = createIpcTransport(bridge);
    const err = await t.call('cancel', { jobId: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmulsionError);
    expect((err as EmulsionError).details.field).toBe('jobId');
    expect(calls).toEqual([{ jobId: 'x' }]);
    expect(t.imageUrl('/o/a.png')).toBe('emulsion-image://local/%2Fo%2Fa.png');
    expect(t.canUseOsDialogs).toBe(true);
  });
});
