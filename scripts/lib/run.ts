import { spawn, type SpawnOptions } from 'node:child_process'
import { ActionableError, isAbort } from './progress.ts'

/**
 * Runs a command to completion, keeping its output for the error message.
 * `onLine` sees every output line (for progress). With `signal`, aborting kills
 * the command and rejects with the signal's reason once it has exited.
 */
export function runCommand(
  command: string,
  args: string[],
  options: SpawnOptions & { onLine?: (line: string) => void; hint?: string } = {},
): Promise<string> {
  const { onLine, hint, ...spawnOptions } = options
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const collect = (chunk: Buffer) => {
      const text = chunk.toString()
      output += text
      if (onLine) for (const line of text.split('\n')) if (line.trim()) onLine(line.trim())
    }
    child.stdout?.on('data', collect)
    child.stderr?.on('data', collect)
    child.on('error', (error) => {
      if (!isAbort(error)) reject(new ActionableError(`Could not run ${command}: ${error.message}${hint ? `\n${hint}` : ''}`))
    })
    child.on('close', (code) => {
      if (spawnOptions.signal?.aborted) reject(spawnOptions.signal.reason)
      else if (code === 0) resolve(output)
      else
        reject(
          new ActionableError(
            `${command} ${args.join(' ')} exited with ${code}:\n${output.trim().split('\n').slice(-30).join('\n')}${hint ? `\n${hint}` : ''}`,
          ),
        )
    })
  })
}
