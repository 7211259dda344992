/**
 * A model folder with its sessions loaded and checked. Sessions load once and are reused across
 * jobs; loading another folder (or another provider) releases the previous sessions first. The
 * one exception is a job's second model (base + refiner), which stays loaded with the first.
 */
import path from 'node:path';
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
import {
  readFolderConfigs,
  traitsFromConfigs,
  traitsFromUnet,
  type ModelTraits,
} from './family.ts';
import { checkSdxlTextEncoder, type SdxlTextEncoderContract } from './sdxl-contract.ts';
import { vaeDecoderFile } from './upcast.ts';

const log = createLogger('model');

export interface LoadedModel {
  folder: ModelFolder;
  requestedProvider: ExecutionProviderName;
  /** Family and variant, confirmed from the UNet's inputs (family.ts). */
  traits: ModelTraits;
  tokenizer: ClipTokenizer;
  /** The first text encoder: text_encoder, or text_encoder_2 in a refiner that has no other. */
  textEncoder: { session: LoadedSession; contract: TextEncoderContract };
  /** SDXL base: tokenizer_2 and text_encoder_2. */
  tokenizer2?: ClipTokenizer;
  textEncoder2?: { session: LoadedSession; contract: TextEncoderContract };
  /** SDXL: the outputs each encoder conditions the UNet with (`second` is text_encoder_2). */
  sdxlText?: { first?: SdxlTextEncoderContract; second: SdxlTextEncoderContract };
  /** Sessions opened on demand for this model (ControlNets, the ControlNet UNet, ...), by key. */
  attached: Map<string, { session: LoadedSession }>;
  unet: { session: LoadedSession; contract: UnetContract };
  vaeDecoder: { session: LoadedSession; contract: VaeDecoderContract };
  /** Loaded on first img2img use. */
  vaeEncoder?: { session: LoadedSession; contract: VaeEncoderContract };
  loadMs: number;
}

export class ModelCache {
  readonly clock: RunClock = { sessionRunMs: 0 };
  private current?: LoadedModel;
  /**
   * A second model kept loaded for the job's other pass (the refiner of a base, or the base of a
   * refiner), so a base → refiner job does not reload both models every time. Any other switch
   * releases it: at most the two models one job needs are resident.
   */
  private companion?: LoadedModel;
  private pending?: { key: string; promise: Promise<LoadedModel> };

  get loaded(): LoadedModel | undefined {
    return this.current;
  }

  /**
   * Returns the loaded model for `root`, loading it if needed. `keep` names the folder of the
   * job's other model, which may stay loaded; every other model is released first.
   */
  async get(
    root: string,
    provider: ExecutionProviderName,
    onLoading?: (component: string) => void,
    keep?: string,
  ): Promise<LoadedModel> {
    const folder = readModelFolder(root);
    const key = `${folder.root}\u0000${provider}`;
    const keepKey = keep === undefined ? undefined : `${path.resolve(keep)}\u0000${provider}`;
    // A companion this job needs neither as its model nor as its other pass is released.
    if (this.companion && ![key, keepKey].includes(this.keyOf(this.companion))) {
      await this.releaseModel(this.companion);
      this.companion = undefined;
    }
    // The model asked for is the companion (the refiner pass of a base job): swap their roles.
    if (this.companion && this.keyOf(this.companion) === key) {
      [this.current, this.companion] = [this.companion, this.current];
    }
    if (this.current && this.keyOf(this.current) === key) {
      if (this.companion && this.keyOf(this.companion) !== keepKey) {
        await this.releaseModel(this.companion);
        this.companion = undefined;
      }
      return this.current;
    }
    // Deduplicate concurrent loads of the same folder.
    if (this.pending?.key === key) return this.pending.promise;
    if (this.current) {
      if (this.keyOf(this.current) === keepKey && !this.companion) this.companion = this.current;
      else await this.releaseModel(this.current);
      this.current = undefined;
    }
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

  /** Releases every loaded model. */
  async release(): Promise<void> {
    const models = [this.current, this.companion];
    this.current = this.companion = undefined;
    for (const model of models) if (model) await this.releaseModel(model);
  }

  private async releaseModel(model: LoadedModel): Promise<void> {
    const sessions = [
      model.textEncoder,
      model.textEncoder2,
      model.unet,
      model.vaeDecoder,
      model.vaeEncoder,
      ...model.attached.values(),
    ];
    model.attached.clear();
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
      const { textEncoder: te1File, textEncoder2: te2File } = folder.files;
      const te = te1File
        ? await open(te1File, 'text_encoder')
        : await open(te2File!, 'text_encoder_2');
      const teContract = checkTextEncoder(te);
      // SD 2.x (OpenCLIP, width 1024) and SDXL's OpenCLIP tokenizer_2 pad with "!" (id 0); a
      // folder without JSON configs cannot say so itself (docs/onnx-contract.md §6).
      const fallbackPadToken = teContract.width === 1024 || !te1File ? '!' : undefined;
      const tokenizer = await loadTokenizer(folder.tokenizerDir, { fallbackPadToken });
      const te2 = te1File && te2File ? await open(te2File, 'text_encoder_2') : undefined;
      const te2Contract = te2 ? checkTextEncoder(te2) : undefined;
      const tokenizer2 =
        te2 && folder.tokenizer2Dir
          ? await loadTokenizer(folder.tokenizer2Dir, { fallbackPadToken: '!' })
          : undefined;
      if (te2 && !tokenizer2) {
        throw new EmulsionError(
          'MODEL_INVALID',
          `The model folder has text_encoder_2 but no tokenizer_2/vocab.json.`,
          { file: `${folder.root}/tokenizer_2/vocab.json` },
        );
      }
      const sdxlText = te2File
        ? {
            first: te2 ? checkSdxlTextEncoder(te, false) : undefined,
            second: checkSdxlTextEncoder(te2 ?? te, true),
          }
        : undefined;
      // SDXL concatenates both encoders' widths (768 + 1280 = 2048, §2.3).
      const textWidth = sdxlText
        ? sdxlText.second.width !== undefined && (!te2 || sdxlText.first?.width !== undefined)
          ? (sdxlText.first?.width ?? 0) + sdxlText.second.width
          : undefined
        : teContract.width;
      const unet = await open(folder.files.unet, 'unet');
      const unetContract = checkUnet(unet, textWidth);
      const traits = traitsFromUnet(
        traitsFromConfigs(readFolderConfigs(folder.root)),
        unet,
        folder.index.requires_aesthetics_score === true,
      );
      // SDXL's float16 VAE overflows: decode in float32 when its config asks (upcast.ts).
      const decoder = await vaeDecoderFile(folder);
      const vae = await open(decoder.file, 'vae_decoder').finally(decoder.cleanup);
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
        traits,
        tokenizer,
        textEncoder: { session: te, contract: teContract },
        ...(te2 && te2Contract && tokenizer2
          ? { tokenizer2, textEncoder2: { session: te2, contract: te2Contract } }
          : {}),
        ...(sdxlText ? { sdxlText } : {}),
        attached: new Map(),
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
