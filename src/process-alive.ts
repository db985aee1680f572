/**
 * Whether a process of this host is still running: signal 0 checks without signalling. EPERM
 * means it runs under another user, so it is alive too. Used for the embedded database's lock
 * file and for dead workers of this host.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
