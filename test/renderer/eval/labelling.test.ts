import { describe, expect, it } from 'vitest';
import { keyLabel, labelKey, valueForKey } from '../../../renderer/eval/labelling.ts';
import { jobReducer } from '../../../renderer/eval/store.ts';

const attrs = [
  { name: 'tone', values: '1 2 3 4 5 6 7 8 9 10'.split(' ') },
  { name: 'mood', values: ['calm', 'tense'] },
];
const start = { index: 0, attributeIndex: 0, history: [] };

describe('labelling keys', () => {
  it('maps 1–9 and 0 to the ten values and c to can’t tell', () => {
    expect(valueForKey(attrs[0], '1')).toBe('1');
    expect(valueForKey(attrs[0], '0')).toBe('10');
    expect(valueForKey(attrs[1], '3')).toBeUndefined();
    expect(valueForKey(attrs[1], 'c')).toBe("can't tell");
    expect([0, 8, 9].map(keyLabel)).toEqual(['1', '9', '0']);
  });

  it('moves through attributes, then images; undo clears the last label and steps back', () => {
    const images = ['a', 'b'];
    const first = labelKey('0', start, images, attrs);
    expect(first).toMatchObject({
      type: 'save',
      label: { image: 'a', attribute: 'tone', value: '10' },
    });
    const second = labelKey('2', first.type === 'save' ? first.cursor : start, images, attrs);
    expect(second).toMatchObject({
      type: 'save',
      label: { attribute: 'mood', value: 'tense' },
      cursor: { index: 1, attributeIndex: 0 },
    });
    const undo = labelKey(
      'Backspace',
      second.type === 'save' ? second.cursor : start,
      images,
      attrs,
    );
    expect(undo).toMatchObject({
      type: 'save',
      label: { image: 'a', attribute: 'mood', value: null },
      cursor: { index: 0, attributeIndex: 1 },
    });
    expect(labelKey('x', start, images, attrs)).toEqual({ type: 'none' });
    expect(labelKey('u', start, images, attrs)).toEqual({ type: 'none' });
    expect(labelKey('s', start, images, attrs)).toMatchObject({
      type: 'move',
      cursor: { index: 1 },
    });
  });
});

describe('jobReducer', () => {
  it('tracks progress, completion and errors per job', () => {
    let jobs = jobReducer(
      {},
      { status: 'queued', jobId: 'j', kind: 'audit', label: 'x', position: 0 },
    );
    jobs = jobReducer(jobs, { status: 'progress', jobId: 'j', done: 2, total: 5 });
    expect(jobs.j).toEqual({ status: 'running', done: 2, total: 5 });
    jobs = jobReducer(jobs, {
      status: 'error',
      jobId: 'j',
      error: { code: 'IO_ERROR', message: 'disk full' },
    });
    expect(jobs.j).toEqual({ status: 'error', done: 2, total: 5, error: 'disk full' });
  });
});
