import v8 from 'node:v8';

/**
 * V8 optimizes a function (TurboFan, in a thread of its own) once it has used up its
 * interrupt budget. In a run of a second or two most of that work never pays back: it was 15%
 * of `lwt exec`'s CPU at 200 hosts. With a budget four times V8's, a short run stays in
 * baseline code and a long one (a big put, a long exec) is still optimized, a little later:
 * -9% of CPU for `lwt exec` at 200 hosts, none lost for a 10 MB put or 1000 `lwt run`
 * commands (NOTES.md, 2026-11-23, fourth session).
 *
 * It is set at run time, once the CLI bundle was loaded through its code cache and the
 * command's modules with it (start.ts), because a V8 flag that differs from Node's costs Node
 * its own built-in code cache for every built-in module loaded while it differs (on the
 * command line: 20-50 ms a start); and it is put back before the code cache is written, since
 * V8 stamps its flags into a cache and refuses one made under other flags. Putting it back
 * needs V8's default, so this only acts on the V8 whose default is known (Node 20's), and not
 * when the user set the budget.
 */
const DEFAULT_BUDGET: Readonly<Record<string, number>> = { '11.3': 67584 };
const FACTOR = 4;

/** The budget for this run, and V8's own, which puts it back. */
export interface TieringPlan {
  readonly raised: number;
  readonly normal: number;
}

/** What to set, or undefined to leave V8 as it is. */
export function tieringPlan(
  v8Version: string,
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): TieringPlan | undefined {
  const normal = DEFAULT_BUDGET[v8Version.split('.').slice(0, 2).join('.')];
  if (normal === undefined) return undefined;
  const mentions = (text: string) => /interrupt[-_]budget/.test(text);
  if (execArgv.some(mentions) || mentions(nodeOptions ?? '')) return undefined;
  return { raised: normal * FACTOR, normal };
}

/** Raises the budget for this run; returns what puts it back. */
export function raiseTierUpBudget(): () => void {
  const plan = tieringPlan(process.versions.v8, process.execArgv, process.env.NODE_OPTIONS);
  if (plan === undefined) return () => {};
  v8.setFlagsFromString(`--interrupt-budget=${plan.raised}`);
  return () => v8.setFlagsFromString(`--interrupt-budget=${plan.normal}`);
}
