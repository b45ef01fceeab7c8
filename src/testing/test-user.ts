import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The system user a 'nonroot' fleet logs in as. */
export const TEST_USER = 'lwt-test';

/**
 * Thrown when this machine cannot run the fleet asked for (no sshd, not root, no test user).
 * Tests catch it, by its code, to skip rather than fail.
 */
export class SshFleetUnavailableError extends Error {
  readonly code = 'LWT_SSH_FLEET_UNAVAILABLE';
  override readonly name = 'SshFleetUnavailableError';
}

/** Who logs in on a fleet: root, the dedicated unprivileged user, or whoever runs the tests. */
export type FleetUser = 'root' | 'nonroot' | 'self';

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The account's password field, or undefined when there is no such user. */
function shadowPassword(name: string): string | undefined {
  try {
    const line = readFileSync('/etc/shadow', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${name}:`));
    return line?.split(':')[1];
  } catch {
    return undefined;
  }
}

async function userExists(name: string): Promise<boolean> {
  try {
    await run('id', ['-u', name]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates the test user when missing. Its password field is `*`, not useradd's `!`: without PAM,
 * sshd refuses every login, keys included, to an account whose password starts with `!`.
 * Two test files may race here; losing the race (user exists, passwd locked) is fine.
 */
async function ensureTestUser(): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    if (await userExists(TEST_USER)) break;
    if (!isRoot()) {
      throw new SshFleetUnavailableError(
        `user ${TEST_USER} does not exist and only root can create it ` +
          `(useradd -m -s /bin/sh -p '*' ${TEST_USER})`,
      );
    }
    try {
      await run('useradd', ['-m', '-s', '/bin/sh', '-p', '*', TEST_USER]);
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50 + attempt * 20));
    }
  }
  if (!(await userExists(TEST_USER))) throw new Error(`could not create user ${TEST_USER}`);
  if (isRoot() && shadowPassword(TEST_USER)?.startsWith('!')) {
    await run('usermod', ['-p', '*', TEST_USER]);
  }
}

/**
 * The login name for `user`, making sure it can log in. An sshd that is not root can only log
 * in its own user, so 'root' and 'nonroot' need root and 'self' works for anyone.
 */
export async function resolveLogin(user: FleetUser): Promise<string> {
  if (user === 'self') return userInfo().username;
  if (!isRoot()) {
    throw new SshFleetUnavailableError(
      `a fleet that logs in as ${user === 'root' ? 'root' : TEST_USER} needs root; ` +
        `use user: 'self' or run as root`,
    );
  }
  if (user === 'root') return 'root';
  await ensureTestUser();
  return TEST_USER;
}
