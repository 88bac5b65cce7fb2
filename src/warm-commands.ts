/** The commands of the warm bundle (dist/warm.js); boot.ts keeps one bit per command in its code cache. */
export const WARM_COMMANDS = ['exec', 'credential-process', 'status', 'env', 'list'] as const;
export type WarmCommand = (typeof WARM_COMMANDS)[number];

export function isWarmCommand(command: string): command is WarmCommand {
  return (WARM_COMMANDS as readonly string[]).includes(command);
}
