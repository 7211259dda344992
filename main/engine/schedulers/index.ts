/**
 * Scheduler factory: diffusers class name + `scheduler_config.json` object -> Scheduler.
 *
 * Besides diffusers' config keys, a few `step()` arguments of diffusers are accepted as config keys
 * so that a catalog entry can set them: `eta` (DDIM, default 0; TCD, default 0.3),
 * `use_clipped_model_output` (DDIM) and `s_churn`, `s_tmin`, `s_tmax`, `s_noise` (Euler).
 */
import { invalidArgument } from '../../../common/errors.ts';
import { resolveCatalogName, type ResolvedScheduler } from './catalog.ts';
import { resolveConfig, type ConfigSpec, type ConfigValue } from './config.ts';
import { createDdim, DDIM_SPEC } from './ddim.ts';
import { createDdpm, DDPM_SPEC } from './ddpm.ts';
import { createDeis, DEIS_SPEC } from './deis.ts';
import { createDpmSolver, DPM_SPEC } from './dpm-solver.ts';
import { createEuler, createEulerAncestral, EULER_ANCESTRAL_SPEC, EULER_SPEC } from './euler.ts';
import { createHeun, HEUN_SPEC } from './heun.ts';
import { createKdpm2, createKdpm2Ancestral, KDPM2_SPEC } from './kdpm2.ts';
import { createLcm, LCM_SPEC } from './lcm.ts';
import { createLms, LMS_SPEC } from './lms.ts';
import { createPndm, PNDM_SPEC } from './pndm.ts';
import { createTcd, TCD_SPEC } from './tcd.ts';
import type { Scheduler, SchedulerConfig } from './types.ts';
import { createUniPc, UNIPC_SPEC } from './unipc.ts';

export type { NoiseSource, Scheduler, SchedulerConfig } from './types.ts';
export { SCHEDULER_CATALOG, type CatalogEntry, type ResolvedScheduler } from './catalog.ts';

interface SchedulerClass {
  spec: ConfigSpec;
  create: (name: string, cfg: Record<string, ConfigValue>) => Scheduler;
}

const CLASSES: Readonly<Record<string, SchedulerClass>> = {
  DDIMScheduler: { spec: DDIM_SPEC, create: createDdim },
  DDPMScheduler: { spec: DDPM_SPEC, create: createDdpm },
  PNDMScheduler: { spec: PNDM_SPEC, create: createPndm },
  LMSDiscreteScheduler: { spec: LMS_SPEC, create: createLms },
  EulerDiscreteScheduler: { spec: EULER_SPEC, create: createEuler },
  EulerAncestralDiscreteScheduler: { spec: EULER_ANCESTRAL_SPEC, create: createEulerAncestral },
  HeunDiscreteScheduler: { spec: HEUN_SPEC, create: createHeun },
  KDPM2DiscreteScheduler: { spec: KDPM2_SPEC, create: createKdpm2 },
  KDPM2AncestralDiscreteScheduler: { spec: KDPM2_SPEC, create: createKdpm2Ancestral },
  DPMSolverMultistepScheduler: { spec: DPM_SPEC, create: createDpmSolver },
  UniPCMultistepScheduler: { spec: UNIPC_SPEC, create: createUniPc },
  DEISMultistepScheduler: { spec: DEIS_SPEC, create: createDeis },
  LCMScheduler: { spec: LCM_SPEC, create: createLcm },
  TCDScheduler: { spec: TCD_SPEC, create: createTcd },
};

/** The diffusers class names `createScheduler` accepts. */
export const SCHEDULER_NAMES: readonly string[] = Object.keys(CLASSES);

function lookup(name: string): SchedulerClass {
  const cls = Object.hasOwn(CLASSES, name) ? CLASSES[name] : undefined;
  if (!cls) {
    throw invalidArgument(
      'scheduler',
      name,
      SCHEDULER_NAMES,
      'Use a diffusers scheduler class name as found in scheduler_config.json `_class_name`.',
    );
  }
  return cls;
}

/**
 * Creates a scheduler from its diffusers class name and a `scheduler_config.json` object.
 * Keys the class does not accept are ignored; absent keys take the class default, and
 * `_use_default_values` (as diffusers writes into a loaded config) is honoured. The resolved
 * config, with `_class_name` and `_use_default_values`, is `scheduler.config`.
 */
export function createScheduler(name: string, config: SchedulerConfig = {}): Scheduler {
  const cls = lookup(name);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw invalidArgument('config', config, 'a scheduler_config.json object');
  }
  const { values, usedDefaults } = resolveConfig(cls.spec, config);
  const resolved = { _class_name: name, ...values, _use_default_values: usedDefaults };
  return cls.create(name, Object.freeze(resolved) as unknown as Record<string, ConfigValue>);
}

/**
 * Keys describing what the model was trained with. A swap keeps them from the model's resolved
 * config even where the model's file left them to its class default.
 */
const MODEL_KEYS = [
  'num_train_timesteps',
  'beta_start',
  'beta_end',
  'beta_schedule',
  'trained_betas',
  'prediction_type',
  'rescale_betas_zero_snr',
] as const;

/**
 * The config a pipeline gets from `Target.from_config(model_scheduler.config, **overrides)`:
 * keys present in the model's file carry over, keys the file lacked take the target's defaults
 * (SD 1.5's PNDM config has no timestep_spacing, so Euler gets "linspace"), and explicit
 * overrides win. The model's beta schedule and prediction type are always kept.
 *
 * `modelConfig` is the file's object (its `_class_name` names the source class) or a resolved
 * `scheduler.config`.
 */
export function swapSchedulerConfig(
  modelConfig: SchedulerConfig,
  targetName: string,
  overrides: SchedulerConfig = {},
): SchedulerConfig {
  lookup(targetName);
  const source = modelConfig._class_name;
  const carried: Record<string, unknown> = { ...modelConfig };
  if (typeof source === 'string' && Object.hasOwn(CLASSES, source)) {
    const { values } = resolveConfig(lookup(source).spec, modelConfig);
    const excluded = new Set(
      Array.isArray(modelConfig._use_default_values) ? modelConfig._use_default_values : [],
    );
    for (const key of MODEL_KEYS) {
      if (key in values) {
        carried[key] = values[key];
        excluded.delete(key);
      }
    }
    carried._use_default_values = [...excluded];
  }
  for (const [key, value] of Object.entries(overrides)) {
    carried[key] = value;
    if (Array.isArray(carried._use_default_values)) {
      carried._use_default_values = carried._use_default_values.filter((k) => k !== key);
    }
  }
  carried._class_name = targetName;
  return carried;
}

/** `createScheduler(targetName, swapSchedulerConfig(modelConfig, targetName, overrides))`. */
export function swapScheduler(
  modelConfig: SchedulerConfig,
  targetName: string,
  overrides: SchedulerConfig = {},
): Scheduler {
  return createScheduler(targetName, swapSchedulerConfig(modelConfig, targetName, overrides));
}

/**
 * Resolves a display name ("DPM++ 2M Karras"), an alias ("euler_ancestral") or a diffusers class
 * name to `{ label, className, options, a1111 }`; unknown names are an INVALID_ARGUMENT error
 * listing every display name and class name.
 */
export function resolveSchedulerName(name: string, field = 'scheduler'): ResolvedScheduler {
  return resolveCatalogName(name, SCHEDULER_NAMES, field);
}

/**
 * The scheduler a user picked by name, swapped into the model's scheduler config with the
 * catalog entry's options (diffusers `from_config` rules, see `swapScheduler`).
 */
export function createSchedulerForModel(
  displayOrClassName: string,
  modelConfig: SchedulerConfig,
  overrides: SchedulerConfig = {},
): Scheduler {
  const picked = resolveSchedulerName(displayOrClassName);
  return swapScheduler(modelConfig, picked.className, { ...picked.options, ...overrides });
}
