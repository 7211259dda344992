/**
 * Turns the scheduler name a user picked ("DPM++ 2M Karras" or a diffusers class name) into a
 * scheduler built from the model's own scheduler config, keeping its beta schedule and
 * prediction_type, with defaults resolved as diffusers' from_config does on a swap.
 */
import { createScheduler, resolveSchedulerName, swapSchedulerConfig } from '../schedulers/index.ts';
import type { Scheduler } from '../schedulers/types.ts';

export interface ResolvedScheduler {
  scheduler: Scheduler;
  className: string;
  displayName: string;
}

export function resolveScheduler(
  name: string,
  modelConfig: Record<string, unknown>,
): ResolvedScheduler {
  const entry = resolveSchedulerName(name, 'scheduler');
  const config = swapSchedulerConfig(modelConfig, entry.className, entry.options);
  return {
    scheduler: createScheduler(entry.className, config),
    className: entry.className,
    displayName: entry.displayName,
  };
}
