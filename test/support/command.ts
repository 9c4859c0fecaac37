// Runs one of the project's commands as an operator runs it: a child process started from the
// repository root with only the settings a test gives it (and PATH, HOME, TMPDIR, LANG), never the
// developer's .env file, fed `input` on stdin, its output collected.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface CommandOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCommand(command: string[], settings: Record<string, string>, input = ''): Promise<CommandOutcome> {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[name]) env[name] = process.env[name];
  Object.assign(env, { DOTENV_CONFIG_PATH: path.join(PROJECT_ROOT, 'no-such-file.env') }, settings);
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { cwd: PROJECT_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
