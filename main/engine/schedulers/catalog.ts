/**
 * The sampler names users know from AUTOMATIC1111 and ComfyUI, each mapped to a diffusers class
 * and the config options that make it that sampler (after diffusers' own table in
 * docs/source/en/api/schedulers/overview.md). The UI lists these; metadata writes `a1111`.
 */
import { invalidArgument } from '../../../common/errors.ts';
import type { SchedulerConfig } from './types.ts';

export interface CatalogEntry {
  /** The display name, e.g. "DPM++ 2M Karras". */
  label: string;
  /** diffusers class name for `createScheduler` / `swapScheduler`. */
  className: string;
  /** Config overrides applied on top of the model's scheduler config. */
  options: Readonly<SchedulerConfig>;
  /** A1111 infotext fields: "Sampler: …, Schedule type: …". */
  a1111: { sampler: string; scheduleType: string };
  /** Other spellings accepted by the resolver (ComfyUI sampler names, k-diffusion names). */
  aliases?: readonly string[];
}

const KARRAS = { use_karras_sigmas: true } as const;

function entry(
  label: string,
  className: string,
  options: SchedulerConfig,
  sampler: string,
  scheduleType: string,
  aliases: string[] = [],
): CatalogEntry {
  return Object.freeze({
    label,
    className,
    options: Object.freeze(options),
    a1111: { sampler, scheduleType },
    aliases,
  });
}

export const SCHEDULER_CATALOG: readonly CatalogEntry[] = Object.freeze([
  entry('Euler', 'EulerDiscreteScheduler', {}, 'Euler', 'Automatic', ['euler', 'k_euler']),
  entry('Euler Karras', 'EulerDiscreteScheduler', KARRAS, 'Euler', 'Karras'),
  entry('Euler a', 'EulerAncestralDiscreteScheduler', {}, 'Euler a', 'Automatic', [
    'euler_ancestral',
    'k_euler_a',
    'Euler Ancestral',
  ]),
  entry('Heun', 'HeunDiscreteScheduler', {}, 'Heun', 'Automatic', ['heun', 'k_heun']),
  entry('Heun Karras', 'HeunDiscreteScheduler', KARRAS, 'Heun', 'Karras'),
  entry('LMS', 'LMSDiscreteScheduler', {}, 'LMS', 'Automatic', ['lms', 'k_lms']),
  entry('LMS Karras', 'LMSDiscreteScheduler', KARRAS, 'LMS', 'Karras'),
  entry('DPM2', 'KDPM2DiscreteScheduler', {}, 'DPM2', 'Automatic', ['dpm_2', 'k_dpm_2']),
  entry('DPM2 Karras', 'KDPM2DiscreteScheduler', KARRAS, 'DPM2', 'Karras'),
  entry('DPM2 a', 'KDPM2AncestralDiscreteScheduler', {}, 'DPM2 a', 'Automatic', [
    'dpm_2_ancestral',
    'k_dpm_2_a',
  ]),
  entry('DPM2 a Karras', 'KDPM2AncestralDiscreteScheduler', KARRAS, 'DPM2 a', 'Karras'),
  entry(
    'DPM++ 2M',
    'DPMSolverMultistepScheduler',
    { algorithm_type: 'dpmsolver++', solver_order: 2 },
    'DPM++ 2M',
    'Automatic',
    ['dpmpp_2m', 'k_dpmpp_2m'],
  ),
  entry(
    'DPM++ 2M Karras',
    'DPMSolverMultistepScheduler',
    { algorithm_type: 'dpmsolver++', solver_order: 2, ...KARRAS },
    'DPM++ 2M',
    'Karras',
  ),
  entry(
    'DPM++ 2M SDE',
    'DPMSolverMultistepScheduler',
    { algorithm_type: 'sde-dpmsolver++', solver_order: 2 },
    'DPM++ 2M SDE',
    'Automatic',
    ['dpmpp_2m_sde'],
  ),
  entry(
    'DPM++ 2M SDE Karras',
    'DPMSolverMultistepScheduler',
    { algorithm_type: 'sde-dpmsolver++', solver_order: 2, ...KARRAS },
    'DPM++ 2M SDE',
    'Karras',
  ),
  entry('DDIM', 'DDIMScheduler', {}, 'DDIM', 'Automatic', ['ddim']),
  entry('DDPM', 'DDPMScheduler', {}, 'DDPM', 'Automatic', ['ddpm']),
  // PNDM with its Runge-Kutta warm-up; PLMS is the same solver without it (SD 1.5's default).
  entry('PNDM', 'PNDMScheduler', { skip_prk_steps: false }, 'PNDM', 'Automatic', ['pndm']),
  entry('PLMS', 'PNDMScheduler', { skip_prk_steps: true }, 'PLMS', 'Automatic', ['plms']),
  entry('UniPC', 'UniPCMultistepScheduler', {}, 'UniPC', 'Automatic', ['uni_pc']),
  entry('UniPC Karras', 'UniPCMultistepScheduler', KARRAS, 'UniPC', 'Karras'),
  entry('DEIS', 'DEISMultistepScheduler', {}, 'DEIS', 'Automatic', ['deis']),
  entry('LCM', 'LCMScheduler', {}, 'LCM', 'Automatic', ['lcm']),
  entry('TCD', 'TCDScheduler', {}, 'TCD', 'Automatic', ['tcd']),
]);

export interface ResolvedScheduler {
  /** The catalog label, or the class name when a class name was given. */
  label: string;
  /** Same as `label`: the name to show and to write into metadata. */
  displayName: string;
  className: string;
  options: Readonly<SchedulerConfig>;
  a1111?: { sampler: string; scheduleType: string };
}

/**
 * Resolves a display name ("DPM++ 2M Karras"), an alias ("euler_ancestral") or a diffusers class
 * name ("EulerDiscreteScheduler", no extra options). Matching ignores case and surrounding spaces.
 */
export function resolveCatalogName(
  name: string,
  classNames: readonly string[],
  field = 'scheduler',
): ResolvedScheduler {
  const wanted = typeof name === 'string' ? name.trim().toLowerCase() : '';
  const byLabel = SCHEDULER_CATALOG.find((e) => e.label.toLowerCase() === wanted);
  const found =
    byLabel ?? SCHEDULER_CATALOG.find((e) => e.aliases?.some((a) => a.toLowerCase() === wanted));
  if (found) return { ...found, displayName: found.label };
  const cls = classNames.find((c) => c.toLowerCase() === wanted);
  if (cls) return { label: cls, displayName: cls, className: cls, options: {} };
  throw invalidArgument(field, name, [...SCHEDULER_CATALOG.map((e) => e.label), ...classNames]);
}
