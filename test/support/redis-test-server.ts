import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Cluster, Redis } from 'ioredis';
import { freePort } from './free-port.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private `redis-server` child for tests that must stop, hang or reconfigure Redis
 * without touching the shared one on 6379. Append-only with fsync on every write, in
 * its own directory, so a restart on the same port keeps everything committed.
 */
export interface RedisTestServer {
  readonly port: number;
  readonly url: string;
  /** The redis-server process's id (benchmarks read its CPU time). */
  readonly pid: number;
  /** SIGKILL, as a crash would; waits until the process is gone. */
  kill(): Promise<void>;
  /** Starts again on the same port and data directory. */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: the server keeps its connections but stops answering. */
  pause(): void;
  resume(): void;
  /** Kills the process if running and removes its data directory. */
  dispose(): Promise<void>;
}


async function spawnReady(args: string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', args);
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  return child;
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGCONT');
  child.kill('SIGKILL');
  await exited;
}

/** `options.port`: a port chosen beforehand (a client may already be trying it); a free one by default. */
export async function startRedisTestServer(extraArgs: string[] = [], options: { port?: number } = {}): Promise<RedisTestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'overseer-redis-'));
  const port = options.port ?? (await freePort());
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', directory, '--save', '',
    '--appendonly', 'yes', '--appendfsync', 'always', ...extraArgs,
  ];
  let child = await spawnReady(args);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child.pid!;
    },
    kill: () => killAndWait(child),
    restart: async () => {
      child = await spawnReady(args);
    },
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    dispose: async () => {
      await killAndWait(child);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A private one-node Redis Cluster owning every slot, and a Cluster client for it. */
export async function startRedisTestCluster(): Promise<{ server: RedisTestServer; cluster: Cluster }> {
  const server = await startRedisTestServer(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1']);
  const admin = new Redis(server.url);
  await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  while (!String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok')) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  admin.disconnect();
  return { server, cluster: new Cluster([{ host: '127.0.0.1', port: server.port }]) };
}
