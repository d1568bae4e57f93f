import type { Capability } from '../../capability.js';
import { capabilities } from '../../capabilities.js';
import type { CliCommand } from '../command.js';
import { importCommand } from './import.js';
import { infoCommand } from './info.js';
import { cancelCommand, jobsCommand, retryCommand } from './jobs.js';
import { listCommand } from './list.js';
import { serveCommand } from './serve.js';
import { settingsCommand } from './settings.js';
import { statusCommand } from './status.js';
import { anonymizeCommand } from './anonymize.js';
import { metaCommand, ocrCommand, profilesCommand } from './ocr.js';
import { modelsCommand } from './models.js';
import { predictCommand } from './predict.js';
import { segmentsCommand } from './segments.js';

/** Every CLI command. Capabilities add theirs: one file in this folder and one entry here. */
export const cliCommands: CliCommand[] = [
  importCommand,
  listCommand,
  infoCommand,
  jobsCommand,
  cancelCommand,
  retryCommand,
  settingsCommand,
  statusCommand,
  anonymizeCommand,
  ocrCommand,
  profilesCommand,
  metaCommand,
  serveCommand,
  modelsCommand,
  predictCommand,
  segmentsCommand,
  ...(capabilities as readonly Capability[]).flatMap((c) => c.cli ?? []),
];
