import { type ChildProcess, spawn } from 'node:child_process';

/**
 * Spawns a Node server process and resolves once it prints `ready at <url>`, as the
 * gateway and the bench's contenders do; rejects if it exits first. `nodeOptions` go to node before the
 * script (`--cpu-prof`, say).
 */
export function spawnServer(
  args: string[],
  env: NodeJS.ProcessEnv,
  nodeOptions: string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...nodeOptions, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready at (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]! });
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited (${code}) before it was ready`)));
  });
}
