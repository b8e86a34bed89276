export * from './enums.ts';
export * from './errors.ts';
export * from './org.ts';
export * from './auth.ts';
export * from './catalog.ts';
export * from './events.ts';
export * from './notify.ts';
export * from './process.ts';
