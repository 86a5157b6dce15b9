import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** A process registered on the run store: who it is and until when its registration holds. */
export interface LeaseHolder {
  ownerId: string;
  pid: number;
  hostname: string;
  /** Milliseconds since the epoch; a registration not renewed by then counts as gone. */
  expiresAt: number;
}

/**
 * Each process that serves runs registers on the store holding the run records and renews the
 * registration while it lives. Recovery asks it first: a run left `running` may belong to a
 * live process beside this one, and only a process alone on the store may settle such runs.
 */
export interface ProcessLease {
  /**
   * Register this process (renewed in the background until `release`) and return the other
   * live processes registered on the same store; empty means this process is alone.
   */
  acquire(): Promise<LeaseHolder[]>;
  /** Stop renewing and remove the registration. */
  release(): Promise<void>;
}

/** Who this process is on the store; tests give two leases in one process different identities. */
export interface LeaseIdentity {
  pid: number;
  hostname: string;
}

export interface ProcessLeaseOptions {
  /** How long a registration holds without renewal (default 15 s; renewed every third of it). */
  ttlMs?: number;
  identity?: LeaseIdentity;
  clock?: () => number;
}

export const defaultLeaseTtlMs = 15_000;

export function currentIdentity(): LeaseIdentity {
  return { pid: process.pid, hostname: hostname() };
}

export function newOwnerId(): string {
  return randomUUID();
}

/**
 * Whether a registration stands for a live process other than `self`. One process counts once,
 * however many service instances it built on the store (tests do that). On the same host a
 * registration whose pid is gone is stale at once, so a restart after a crash or `kill -9`
 * need not wait for the lease to run out.
 */
export function isOtherLiveHolder(holder: LeaseHolder, self: LeaseIdentity, now: number): boolean {
  if (holder.expiresAt <= now) return false;
  if (holder.hostname !== self.hostname) return true;
  if (holder.pid === self.pid) return false;
  return processExists(holder.pid);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
