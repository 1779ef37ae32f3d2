// Every command of the CLI, registered in one place.
import type { Command } from 'commander';
import { registerRulesCommand } from './rules';
import { generateCommand } from './generate';
import { runCommand } from './run';
import { serveCommand } from './serve';
import { fakeGitlabCommand } from './fake-gitlab';
import { verifyPactsCommand } from './verify-pacts';
import { doctorCommand } from './doctor';
import { mergeReportsCommand } from './merge-reports';

export function registerCommands(program: Command): void {
  runCommand(program);
  generateCommand(program);
  registerRulesCommand(program);
  serveCommand(program);
  fakeGitlabCommand(program);
  verifyPactsCommand(program);
  doctorCommand(program);
  mergeReportsCommand(program);
}
