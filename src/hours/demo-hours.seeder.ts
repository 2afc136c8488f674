import { type Seeder, seedTime } from '../common/feature/seeder.js';
import { HoursRepository } from './hours.repository.js';
import { todayIn, type WeeklyPeriod } from './schedule.js';
import { nextUsFederalHolidays } from './us-federal-holidays.js';

const ZONE = 'America/New_York';
const WEEKDAYS_ONLY = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const;
const each = (opens: string, closes: string): WeeklyPeriod[] => WEEKDAYS_ONLY.map((day) => ({ day, opens, closes }));

/** The text line and the office, in New York, closed on the next two federal holidays. */
export const demoHoursSeeder: Seeder = {
  name: 'demo-hours',
  async run(manager, context) {
    const schedules = [
      {
        key: 'text-line',
        name: 'Text line',
        description: 'When someone answers "Send us a text!" messages.',
        periods: each('09:00', '21:00'),
      },
      {
        key: 'office',
        name: 'Office',
        description: 'Front desk and phone.',
        periods: [...each('08:00', '18:00'), { day: 'saturday', opens: '09:00', closes: '13:00' } as const],
      },
    ];
    const holidays = nextUsFederalHolidays(todayIn(ZONE, seedTime(context)), 2);
    const hours = new HoursRepository(manager.connection);
    for (const { key, ...fields } of schedules) {
      if (await hours.findByKey(key, manager)) continue;
      const { schedule } = await hours.upsertSchedule(key, { ...fields, timeZone: ZONE }, manager);
      for (const holiday of holidays) {
        await hours.insertException(
          schedule.id,
          { startDate: holiday.date, endDate: holiday.date, closed: true, periods: [], label: holiday.name },
          manager,
        );
      }
    }
  },
};
