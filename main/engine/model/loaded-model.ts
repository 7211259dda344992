/**
 * A model folder with its sessions loaded and checked. Sessions load once and are reused across
 * jobs; loading another folder (or another provider) releases the previous sessions first, so two
 * multi-gigabyte UNets are never resident together.
 */
import { EmulsionError } from '../../../common/errors.ts';
import type { ExecutionProviderName } from '../../../common/generation.ts';
import { createLogger } from '../log.ts';
import { loadSession, type LoadedSession, type RunClock } from '../ort/session.ts';
import { loadTokenizer, type ClipTokenizer } from '../text/index.ts';
import {
  checkTextEncoder,
  checkUnet,
  checkVaeDecoder,
  checkVaeEncoder,
  type TextEncoderContract,
  type UnetContract,
  type VaeDecoderContract,
  type VaeEncoderContract,
} from './contract.ts';
import { readModelFolder, type ModelFolder } from './folder.ts';

const log = createLogger('model');

export interface LoadedModel {
  folder: ModelFolder;
  requestedProvider: ExecutionProviderName;
  tokenizer: ClipTokenizer;
  textEncoder: { session: LoadedSession; contract: TextEncoderContract };
  unet: { session: LoadedSession; contract: UnetContract };
  vaeDecoder: { session: LoadedSession; contract: VaeDecoderContract };
  /** Loaded on first img2img use. */
  vaeEncoder?: { session: LoadedSession; contract: VaeEncoderContract };
  loadMs: number;
}

export class ModelCache {
  readonly clock: RunClock = { sessionRunMs: 0 };
  private current?: LoadedModel;
  private pending?: { key: string; promise: Promise<LoadedModel> };

  get loaded(): LoadedModel | undefined {
    return this.current;
  }

  /** Returns the loaded model for `root`, loading it (and releasing another) if needed. */
  async get(
    root: string,
    provider: ExecutionProviderName,
    onLoading?: (component: string) => void,
  ): Promise<LoadedModel> {
    const folder = readModelFolder(root);
    const key = `${folder.root}\u0000${provider}`;
    if (this.current && this.keyOf(this.current) === key) return this.current;
    // Deduplicate concurrent loads of the same folder.
    if (this.pending?.key === key) return this.pending.promise;
    await this.release();
    const promise = this.load(folder, provider, onLoading);
    this.pending = { key, promise };
    try {
      this.current = await promise;
      return this.current;
    } finally {
      this.pending = undefined;
    }
  }

  async vaeEncoder(model: LoadedModel, onLoading?: (component: string) => void) {
    if (model.vaeEncoder) return model.vaeEncoder;
    const file = model.folder.files.vaeEncoder;
    if (!file) {
      throw new EmulsionError(
        'MODEL_INVALID',
        `img2img needs a VAE encoder, but ${model.folder.root} has no vae_encoder/model.onnx.`,
        { field: 'init', file: `${model.folder.root}/vae_encoder/model.onnx` },
      );
    }
    onLoading?.('vae_encoder');
    const session = await loadSession(file, 'vae_encoder', model.requestedProvider, this.clock);
    try {
      model.vaeEncoder = { session, contract: checkVaeEncoder(session) };
    } catch (err) {
      await session.release();
      throw err;
    }
    return model.vaeEncoder;
  }

  async release(): Promise<void> {
    const model = this.current;
    this.current = undefined;
    if (!model) return;
    const sessions = [model.textEncoder, model.unet, model.vaeDecoder, model.vaeEncoder];
    await Promise.all(sessions.map((s) => s?.session.release()));
    log.info('released model', { model: model.folder.root });
  }

  private keyOf(model: LoadedModel): string {
    return `${model.folder.root}\u0000${model.requestedProvider}`;
  }

  private async load(
    folder: ModelFolder,
    provider: ExecutionProviderName,
    onLoading?: (component: string) => void,
  ): Promise<LoadedModel> {
    const started = performance.now();
    const loaded: LoadedSession[] = [];
    const open = async (file: string, component: string) => {
      onLoading?.(component);
      const session = await loadSession(file, component, provider, this.clock);
      loaded.push(session);
      return session;
    };
    try {
      const te = await open(folder.files.textEncoder, 'text_encoder');
      const teContract = checkTextEncoder(te);
      // SD 2.x (OpenCLIP, width 1024) pads with "!" (id 0); a folder without JSON configs
      // cannot say so itself (docs/onnx-contract.md §6).
      const fallbackPadToken = teContract.width === 1024 ? '!' : undefined;
      const tokenizer = await loadTokenizer(folder.tokenizerDir, { fallbackPadToken });
      const unet = await open(folder.files.unet, 'unet');
      const unetContract = checkUnet(unet, teContract.width);
      const vae = await open(folder.files.vaeDecoder, 'vae_decoder');
      const vaeContract = checkVaeDecoder(vae);
      const loadMs = performance.now() - started;
      log.info('model ready', {
        model: folder.root,
        provider: unet.provider,
        ms: Math.round(loadMs),
      });
      return {
        folder,
        requestedProvider: provider,
        tokenizer,
        textEncoder: { session: te, contract: teContract },
        unet: { session: unet, contract: unetContract },
        vaeDecoder: { session: vae, contract: vaeContract },
        loadMs,
      };
    } catch (err) {
      await Promise.all(loaded.map((s) => s.release()));
      throw err;
    }
  }
}
