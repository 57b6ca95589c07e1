// The comment commands, one file each. Adding a command: its file and one line here.

import { buildImageCommand } from './build-image.js';
import { cancelCommand } from './cancel.js';
import { holdCommand } from './hold.js';
import { okToTestCommand } from './ok-to-test.js';
import { retestCommand } from './retest.js';
import { testCommand } from './test.js';
import type { Command } from './types.js';
import { unholdCommand } from './unhold.js';

export const COMMANDS: readonly Command[] = [
  testCommand,
  retestCommand,
  cancelCommand,
  okToTestCommand,
  holdCommand,
  unholdCommand,
  buildImageCommand,
];
