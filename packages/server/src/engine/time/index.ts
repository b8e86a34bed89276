/** Working-time arithmetic and the working calendar: pure functions the process engine runs limits on. */
export * from './calendar.ts';
export * from './working-time.ts';
export * from './deadline.ts';
export * from './china-calendar.ts';
