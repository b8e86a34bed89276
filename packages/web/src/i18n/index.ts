import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import type { Locale } from 'antd/es/locale';
import { zh } from './zh.ts';

export type Lang = 'zh' | 'en';
const LANG_KEY = 'liandong.lang';

function initialLang(): Lang {
  const saved = localStorage.getItem(LANG_KEY);
  return saved === 'en' ? 'en' : 'zh';
}

// Chinese is bundled; English (its texts and Ant Design's) is a chunk of its own, loaded when chosen.
void i18n.use(initReactI18next).init({
  resources: { zh: { translation: zh } },
  lng: 'zh',
  fallbackLng: 'zh',
  partialBundledLanguages: true,
  interpolation: { escapeValue: false },
  returnNull: false,
});

let antdEnglish: Locale | undefined;
let english: Promise<void> | undefined;

function loadEnglish(): Promise<void> {
  english ??= import('./en-bundle.ts').then(
    (m) => {
      i18n.addResourceBundle('en', 'translation', m.en, true, true);
      antdEnglish = m.antdEn;
    },
    (e) => {
      english = undefined;
      throw e;
    },
  );
  return english;
}

/** Ant Design's English texts, once English has been loaded (the app switches to English after). */
export function antdEnglishLocale(): Locale | undefined {
  return antdEnglish;
}

function applyLang(lang: Lang): void {
  dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

async function switchLang(lang: Lang): Promise<void> {
  if (lang === 'en') await loadEnglish();
  applyLang(lang);
  await i18n.changeLanguage(lang);
}

/** Resolved when the saved language's texts are there: main.tsx renders the app then. */
export const i18nReady: Promise<void> = initialLang() === 'zh' ? (applyLang('zh'), Promise.resolve()) : switchLang('en').catch(() => applyLang('zh'));

export function setLang(lang: Lang): void {
  localStorage.setItem(LANG_KEY, lang);
  void switchLang(lang).catch(() => {
    // English did not load (offline): the UI stays as it is.
  });
}

export default i18n;
