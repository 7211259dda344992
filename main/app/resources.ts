/**
 * Where the bundled demo models are. From a source checkout the engine finds them beside its own
 * source (main/demo-model: <repo>/resources/models). A packaged app ships them as
 * electron-builder `extraResources` in <resources>/models, outside the asar archive, so main tells
 * the engine worker through the environment before starting it (workers copy process.env when
 * they start).
 */
import path from 'node:path';

export const MODELS_DIR_ENV = 'EMULSION_MODELS_DIR';

/** The packaged models folder, or undefined when running from source. */
export function bundledModelsDir(isPackaged: boolean, resourcesPath: string): string | undefined {
  return isPackaged ? path.join(resourcesPath, 'models') : undefined;
}

/**
 * Sets EMULSION_MODELS_DIR for a packaged app. A value the user set already wins (it points at a
 * folder they chose on purpose). Returns the folder in effect, if any.
 */
export function pointEngineAtBundledModels(
  env: NodeJS.ProcessEnv,
  isPackaged: boolean,
  resourcesPath: string,
): string | undefined {
  if (env[MODELS_DIR_ENV]) return env[MODELS_DIR_ENV];
  const dir = bundledModelsDir(isPackaged, resourcesPath);
  if (dir) env[MODELS_DIR_ENV] = dir;
  return dir;
}

/**
 * The shipped safety word lists. From source, main/safety finds them beside its own code
 * (resources/safety/terms); a packaged app ships them as extraResources in
 * <resources>/safety/terms, which main passes to the engine worker.
 */
export function bundledSafetyTermsDir(
  isPackaged: boolean,
  resourcesPath: string,
): string | undefined {
  return isPackaged ? path.join(resourcesPath, 'safety', 'terms') : undefined;
}
