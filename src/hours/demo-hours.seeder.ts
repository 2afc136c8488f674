import { type Seeder, seedTime } from '../database/seeding/seeder.js';
import { HoursException } from './hours-exception.entity.js';
import { HoursSchedule } from './hours-schedule.entity.js';
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
    for (const fields of schedules) {
      if (await manager.existsBy(HoursSchedule, { key: fields.key })) continue;
      const schedule = await manager.save(manager.create(HoursSchedule, { ...fields, timeZone: ZONE }));
      for (const holiday of holidays) {
        await manager.save(
          manager.create(HoursException, {
            scheduleId: schedule.id,
            startDate: holiday.date,
            endDate: holiday.date,
            closed: true,
            periods: [],
            label: holiday.name,
          }),
        );
      }
    }
  },
};
