/**
 * The import structure mfa-exec keeps (npm test runs `depcruise`): dependencies point one way,
 * argv → commands → credentials / aws-config / mfa / child → shared leaves, and the code that is
 * off the warm path is loaded only by src/cli.ts. Dynamic import() counts as an import.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import loop, static or through import(), hides the real order of the code.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'lower-layers-do-not-reach-up',
      severity: 'error',
      comment:
        'credentials/, aws-config/, config-view/, mfa/, child/, server/, keystore/ and the shared leaves never depend on commands/, the entry or the on-demand bundle.',
      from: {
        path: '^src/(credentials|aws-config|config-view|mfa|child|server|keystore)/|^src/[^/]+\\.ts$',
        pathNot: '^src/(cli|runtime)\\.ts$',
      },
      to: { path: '^src/(commands/|on-demand/|cli\\.ts)' },
    },
    {
      name: 'only-the-entry-loads-on-demand-code',
      severity: 'error',
      comment: 'dist/cli.js stays one file: only src/cli.ts imports the on-demand entries (runtime.ts names their type).',
      from: { pathNot: '^src/(cli|runtime|on-demand/.+)\\.ts$' },
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
