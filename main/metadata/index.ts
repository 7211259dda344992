/** Image metadata: what other modules (CLI, gallery, IPC handlers) import. */
export {
  infoCommand,
  formatInfoText,
  type InfoCommandResult,
  type InfoOutput,
} from './cli-info.ts';
export { ModelHashCache, mainWeightsFile, type ModelHashes } from './model-hash.ts';
export { readImageSettings, NO_SETTINGS_MESSAGE, type ReadOptions } from './read.ts';
export { settingsToRequest, matchScheduler, type RestoredSettings } from './restore.ts';
export type { ImageSettings, ReadSettingsResult, SettingsSource, ImageFormat } from './settings.ts';
export {
  writeImageWithMetadata,
  withMetadata,
  recoverInterruptedSaves,
  type WriteOptions,
} from './write.ts';
