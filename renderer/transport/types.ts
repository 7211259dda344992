/**
 * The renderer's one view of its host. Two implementations: Electron's `window.emulsion` bridge
 * (transport/ipc.ts) and the local server's WebSocket (transport/ws.ts). Calls resolve with the
 * response or reject with an EmulsionError rebuilt from the envelope, code and field intact.
 */
import type {
  CallName,
  CallRequest,
  CallResponse,
  EvalJobEventDto,
  StudioJobEvent,
} from '../../common/ipc.ts';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Transport {
  readonly mode: 'desktop' | 'server';
  /** Folder dialogs and "open with the OS" exist only in the desktop app. */
  readonly canUseOsDialogs: boolean;
  call<K extends CallName>(
    name: K,
    ...request: CallRequest<K> extends void ? [] : [CallRequest<K>]
  ): Promise<CallResponse<K>>;
  onJobEvent(listener: (event: StudioJobEvent) => void): () => void;
  /** Progress of evaluation runs (audits, XY/Z plots). */
  onEvalJobEvent(listener: (event: EvalJobEventDto) => void): () => void;
  /**
   * A URL the page can show for an image file inside the app's folders; with `width`, a
   * thumbnail at most that many pixels wide and tall (one of THUMBNAIL_WIDTHS).
   */
  imageUrl(path: string, width?: number): string;
  onConnection(listener: (state: ConnectionState) => void): () => void;
}
