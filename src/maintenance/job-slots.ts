/**
 * When a job is due: fixed-length slots counted in UTC from the Unix epoch, `everyMs` long, each starting `offsetMs`
 * into its period (daily at 03:00 UTC: `{ everyMs: DAY, offsetMs: 3 * HOUR }`). UTC so that instances whose time
 * zones differ still agree on the slots.
 */
export interface SlotSchedule {
  everyMs: number;
  offsetMs?: number;
}

/** How early a tick may fire and still count for the coming slot: clocks and timers of instances differ slightly. */
export function slotTolerance(schedule: SlotSchedule): number {
  return Math.min(60_000, schedule.everyMs / 10);
}

/**
 * The slot a tick at `now` runs for: the latest slot start at or before `now` plus the tolerance. Ticks of several
 * instances for the same scheduled instant get the same slot, whether their clocks run a few seconds ahead or behind,
 * and so does a run started by hand later in the period.
 */
export function slotOf(schedule: SlotSchedule, now: Date): Date {
  const { everyMs, offsetMs = 0 } = schedule;
  if (!(everyMs > 0) || offsetMs < 0 || offsetMs >= everyMs) {
    throw new RangeError('A slot schedule needs everyMs > 0 and 0 <= offsetMs < everyMs');
  }
  const periods = Math.floor((now.getTime() + slotTolerance(schedule) - offsetMs) / everyMs);
  return new Date(periods * everyMs + offsetMs);
}
