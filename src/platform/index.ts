/**
 * The platform this process runs on, chosen once from process.platform (another Unix gets Linux's
 * rules; without /proc they fall back as linux.ts says). Code takes `platform` from here; tests
 * pick one with platformFor() and pass it where the code takes one.
 */
import { darwin } from './darwin.ts';
import { linux } from './linux.ts';
import type { Platform } from './types.ts';
import { win32 } from './win32.ts';

export type { Platform, PlatformName } from './types.ts';

export function platformFor(name: NodeJS.Platform): Platform {
  return name === 'win32' ? win32 : name === 'darwin' ? darwin : linux;
}

// All three are in every bundle (about 3 KB minified; esbuild keeps a module's lazy initializer even
// when process.platform is defined, so a per-platform build would not drop the other two).
export const platform: Platform = platformFor(process.platform);
