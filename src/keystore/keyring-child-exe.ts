/**
 * The keyring helper inside the single executable (src/exe.ts runs it): the program a Node
 * installation runs with `node -e` (keyring-child-source.ts), with its require() handed the
 * library, which the build embeds together with this platform's addon (Bun writes the addon to a
 * private temporary file and loads it from there). The library is loaded when the request asks
 * for it, so a library that cannot load is answered at stage 'load', as under Node.
 */
import { KEYRING_CHILD_SOURCE } from './keyring-child-source.ts';

export function runKeyringChildInExecutable(): void {
  // A literal require(), so that the build embeds the library and its addon.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (): unknown => require('@napi-rs/keyring');
  new Function('require', KEYRING_CHILD_SOURCE)(load);
}
