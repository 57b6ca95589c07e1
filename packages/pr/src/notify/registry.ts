// The notifiers, one file each. Adding one: its file and one line here.

import { githubIssueNotifier } from './github-issue.js';
import { slackNotifier } from './slack.js';
import type { Notifier } from './types.js';

export const NOTIFIERS: readonly Notifier[] = [githubIssueNotifier, slackNotifier];
