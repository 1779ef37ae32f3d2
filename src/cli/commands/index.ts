// Every command of the CLI, registered in one place.
import type { Command } from 'commander';

export function registerCommands(program: Command): void {
  void program;
}
