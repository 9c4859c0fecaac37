// Runs one of the project's commands as an operator runs it: a child process started from the
// repository root with only the settings a test gives it (and PATH, HOME, TMPDIR, LANG), never the
// developer's .env file, fed `input` on stdin, its output collected.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';

export interface CommandOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a command run as an operator runs it: PATH, HOME, TMPDIR, LANG, no .env file, and `settings`. */
export function operatorEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[name]) env[name] = process.env[name];
  // dotenv/config reads DOTENV_CONFIG_PATH: a developer's .env must not configure the command.
  return Object.assign(env, { DOTENV_CONFIG_PATH: path.join(PROJECT_ROOT, 'no-such-file.env') }, settings);
}

export function runCommand(command: string[], settings: Record<string, string>, input = ''): Promise<CommandOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { cwd: PROJECT_ROOT, env: operatorEnv(settings), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
