/**
 * The bar that appears when an image is dropped on the app: what settings it holds (and in which
 * tool's format), with "Restore settings", "Use as init image" and "Use as control image". An
 * image without readable settings says so and still works as an input.
 */
import { SOURCE_LABELS } from '../lib/settings-table.ts';
import { useStudio, useStudioShallow } from '../store/context.tsx';

export function DroppedImageBar() {
  const dropped = useStudio((s) => s.dropped);
  const a = useStudioShallow((s) => ({ apply: s.applyDropped, dismiss: s.dismissDropped }));
  if (!dropped) return null;
  const { image, status, settings } = dropped;
  const restore = settings?.restore ?? null;
  let text: string;
  if (status === 'reading') text = 'Reading the settings in this image…';
  else if (status === 'failed') text = 'The settings in this image could not be read.';
  else if (!settings || settings.source === 'none')
    text = settings?.message ?? 'No settings found.';
  else text = `Settings found (${SOURCE_LABELS[settings.source]}).`;
  return (
    <section className="dropped" aria-label="Dropped image" data-testid="dropped-bar">
      <img className="dropped__thumb" src={image.url} alt={`Dropped image ${image.name}`} />
      <div className="dropped__text">
        <p className="dropped__title" role="status">
          <strong>{image.name}</strong> — {text}
        </p>
        {restore?.fields.prompt ? (
          <p className="dropped__prompt" title={restore.fields.prompt}>
            {restore.fields.prompt}
          </p>
        ) : null}
        {dropped.usedAsInit ? <p className="dropped__note">Used as the init image.</p> : null}
      </div>
      <div className="dropped__actions">
        {restore ? (
          <button
            type="button"
            className="button button--primary"
            disabled={dropped.restored}
            onClick={() => a.apply('settings')}
          >
            {dropped.restored ? 'Settings restored' : 'Restore settings'}
          </button>
        ) : null}
        {!dropped.usedAsInit ? (
          <button type="button" className="button" onClick={() => a.apply('init')}>
            Use as init image
          </button>
        ) : null}
        <button type="button" className="button" onClick={() => a.apply('control')}>
          Use as control image
        </button>
        <button
          type="button"
          className="link-button"
          onClick={a.dismiss}
          aria-label="Dismiss dropped image"
        >
          Dismiss
        </button>
      </div>
    </section>
  );
}
