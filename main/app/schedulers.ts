/** The scheduler names the studio offers: the engine's catalogue, in its order. */
import type { SchedulerInfo } from '../../common/ipc.ts';
import { SCHEDULER_CATALOG } from '../engine/schedulers/catalog.ts';

export function catalogSchedulers(): SchedulerInfo[] {
  return SCHEDULER_CATALOG.map((entry) => ({ name: entry.label, className: entry.className }));
}
