/**
 * The plugin's exit codes, a contract scripts rely on (each command's help lists them). 68 and 69 are
 * the codes plugin-deploy-retrieve uses for a partial success and for work still running.
 */
export const EXIT_CODES = {
  ok: 0,
  error: 1,
  /** Some orders synced and some failed. */
  partlyFailed: 68,
  /** The deploy was still running when --wait ran out; it goes on in the org. */
  inProgress: 69,
} as const;
