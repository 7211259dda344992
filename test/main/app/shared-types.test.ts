/**
 * The renderer's copies of the metadata module's types (common/image-settings.ts) must say the
 * same as the originals. `expectTypeOf` is checked by the type checker (`npm test` runs tsc), so a
 * field added or changed on one side only fails the build.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type * as Common from '../../../common/image-settings.ts';
import type { StoredRequest } from '../../../main/metadata/emulsion-chunk.ts';
import type * as Metadata from '../../../main/metadata/settings.ts';

describe('common/image-settings.ts', () => {
  it('matches main/metadata/settings.ts type for type', () => {
    expectTypeOf<Common.SettingsSource>().toEqualTypeOf<Metadata.SettingsSource>();
    expectTypeOf<Common.ImageFormat>().toEqualTypeOf<Metadata.ImageFormat>();
    expectTypeOf<Common.ModelIdentity>().toEqualTypeOf<Metadata.ModelIdentity>();
    expectTypeOf<Common.ControlSettings>().toEqualTypeOf<Metadata.ControlSettings>();
    expectTypeOf<Common.StoredRequest>().toEqualTypeOf<StoredRequest>();
    expectTypeOf<Common.ImageSettings>().toEqualTypeOf<Metadata.ImageSettings>();
    expectTypeOf<Common.ReadSettingsResult>().toEqualTypeOf<Metadata.ReadSettingsResult>();
  });
});
