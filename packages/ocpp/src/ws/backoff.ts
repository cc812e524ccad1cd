// Part 4 §5.4 Reconnecting: the first attempt after RetryBackOffWaitMinimum + random(0..RandomRange)
// seconds; after each failed attempt the back-off doubles, at most RetryBackOffRepeatTimes times, each
// with a new random part; after that it keeps the last back-off time.

export interface BackoffConfig {
  /** RetryBackOffWaitMinimum, seconds */
  waitMinimumS: number;
  /** RetryBackOffRandomRange, seconds */
  randomRangeS: number;
  /** RetryBackOffRepeatTimes */
  repeatTimes: number;
}

export const defaultBackoff: BackoffConfig = { waitMinimumS: 3, randomRangeS: 10, repeatTimes: 5 };

/** Delay in ms before reconnection attempt `attempt` (0 = the first after losing the connection). */
export function backoffDelayMs(attempt: number, cfg: BackoffConfig, random: () => number = Math.random): number {
  const doublings = Math.min(Math.max(attempt, 0), cfg.repeatTimes);
  const base = cfg.waitMinimumS * 2 ** doublings;
  return Math.round((base + random() * cfg.randomRangeS) * 1000);
}
