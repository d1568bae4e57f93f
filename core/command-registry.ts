/**
 * Every command's input and output type, by name. Each capability adds its own commands from its `index.ts`:
 *
 *     declare module '../capability.js' {
 *       interface CommandRegistry extends CommandTypes<typeof myCommands> {}
 *     }
 *
 * so code below the composition (a capability's own CLI commands, the transports) can call commands by name
 * with their types without importing the capability list (which would be an import cycle).
 * `core/api/commands.ts` checks that this registry and the composed capability list name the same commands.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CommandRegistry {}

export type CommandName = keyof CommandRegistry & string;
export type CommandInput<N extends CommandName> = CommandRegistry[N] extends { input: infer I } ? I : never;
export type CommandOutput<N extends CommandName> = CommandRegistry[N] extends { output: infer O } ? O : never;
