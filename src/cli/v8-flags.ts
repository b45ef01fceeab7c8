import v8 from 'node:v8';

/** A V8 flag's value for a run of lwt, and the value that puts it back. */
export interface V8FlagPlan {
  readonly raised: number;
  readonly normal: number;
}

/** Whether node was started with V8's `flag` (with - or _), in its arguments or NODE_OPTIONS. */
export function userSetV8Flag(
  flag: string,
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): boolean {
  const pattern = new RegExp(flag.replace(/[-_]/g, '[-_]'));
  return execArgv.some((arg) => pattern.test(arg)) || pattern.test(nodeOptions ?? '');
}

/**
 * Sets V8's `flag` to the plan's `raised` for this run (nothing without a plan); returns what
 * sets it to `normal` again, which start.ts calls before writing the code cache (V8 stamps its
 * flags into a cache).
 */
export function setV8FlagForRun(flag: string, plan: V8FlagPlan | undefined): () => void {
  if (plan === undefined) return () => {};
  v8.setFlagsFromString(`--${flag}=${plan.raised}`);
  return () => v8.setFlagsFromString(`--${flag}=${plan.normal}`);
}
