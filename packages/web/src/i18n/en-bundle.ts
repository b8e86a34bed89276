// The English side of the UI, fetched only when English is chosen (i18n/index.ts loadEnglish):
// the Chinese UI, the default, goes without it.
export { en } from './en.ts';
// The ES module: the CommonJS `antd/locale/*` reached antd wrapped (`{ default }`) and showed no texts.
export { default as antdEn } from 'antd/es/locale/en_US';
