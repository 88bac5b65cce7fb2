/**
 * The import structure mfa-exec keeps (npm test runs `depcruise`): layers, each importing only
 * from the layers below it (type-only imports and import() included), no import loop of any kind,
 * and the code that is off the warm path loaded only by the entry. No module is exempted by name;
 * the entry is named, as what it is.
 */

/** From the top down. A module may import from its own layer and the ones below. */
const LAYERS = [
  // The entry of the warm bundle (src/boot.ts, dist/cli.js's, imports only shared leaves), the on-demand bundle's entries,
  // and the single executable's (src/exe.ts: the keyring helper or cli.ts).
  { name: 'entry', path: '^src/((cli|exe)\\.ts$|on-demand/)' },
  // Each subcommand, the table of them, the command-line parser.
  { name: 'commands', path: '^src/commands/' },
  // What every command shares: the run's Runtime, profile → plan → credentials, and the guardrails on that line.
  { name: 'pipeline', path: '^src/(pipeline|guardrails)/' },
  // The child's side: its environment and process, the config view it reads, the --server endpoint.
  { name: 'child-side', path: '^src/(child|config-view|server)/' },
  // The cache, and fetching on a miss.
  { name: 'credentials', path: '^src/credentials/' },
  // The AWS files, a profile's plan, where its source credentials come from, and the project file.
  { name: 'profiles', path: '^src/(aws-config|sources|project)/' },
  // Where keys, MFA codes and sign-ins (IAM Identity Center, `aws login`) come from.
  { name: 'secrets', path: '^src/(keystore|mfa|sign-in)/' },
  // Asking a person; calling AWS.
  { name: 'edges', path: '^src/(prompt|aws)/' },
  // Shared leaves: errors, log, settings, options, private files, …
  { name: 'leaves', path: '^src/[^/]+\\.ts$', pathNot: '^src/(cli|exe)\\.ts$' },
  // What differs between Linux, macOS and Windows: one file per platform, chosen once (src/platform/index.ts).
  { name: 'platform', path: '^src/platform/' },
];

const layerRules = LAYERS.slice(1).map((layer, i) => ({
  name: `${layer.name}-do-not-reach-up`,
  severity: 'error',
  comment: `A module of the ${layer.name} layer imports only from its own layer and the ones below it (${LAYERS.slice(i + 2)
    .map((l) => l.name)
    .join(', ')}).`,
  from: { path: layer.path, ...(layer.pathNot ? { pathNot: layer.pathNot } : {}) },
  to: {
    path: LAYERS.slice(0, i + 1)
      .map((l) => `(${l.path})`)
      .join('|'),
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import loop, static, type-only or through import(), hides the real order of the code.',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'only-the-entry-loads-on-demand-code',
      severity: 'error',
      comment: 'dist/warm.js stays one file: only src/cli.ts imports the on-demand entries (the build also checks it).',
      from: { pathNot: '^src/(cli\\.ts$|on-demand/)' },
      to: { path: '^src/on-demand/' },
    },
    {
      name: 'the-miss-path-holds-no-command',
      severity: 'error',
      comment: 'A cache miss loads src/on-demand/credentials.ts; it must not pull in the subcommands.',
      from: { path: '^src/on-demand/credentials\\.ts$' },
      to: { path: '^src/commands/', reachable: true },
    },
    {
      name: 'src-does-not-import-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^dist/' },
  },
};
