/**
 * zh-CN by default, English on request (kept in localStorage); Ant Design's own texts follow, and its
 * motion follows the user's wish for less of it.
 */
import { ConfigProvider, Segmented } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { zh, type MessageKey } from './messages.js';
import { en } from './messages-en.js';
import { usePrefersReducedMotion } from './motion.js';

export type { MessageKey };
export type Language = 'zh-CN' | 'en';

interface I18n {
  lang: Language;
  setLang: (lang: Language) => void;
  /** The text of `key`; `fallback` when the key is made up at run time and unknown (a reason code). */
  t: (key: MessageKey, fallback?: string) => string;
}

const Context = createContext<I18n | undefined>(undefined);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Language>(localStorage.getItem('kefu.lang') === 'en' ? 'en' : 'zh-CN');
  const value = useMemo<I18n>(() => {
    const messages: Record<string, string> = lang === 'en' ? en : zh;
    return {
      lang,
      setLang: (next) => {
        localStorage.setItem('kefu.lang', next);
        document.documentElement.lang = next;
        setLangState(next);
      },
      t: (key, fallback) => messages[key] ?? fallback ?? key,
    };
  }, [lang]);
  const still = usePrefersReducedMotion();
  return (
    <Context.Provider value={value}>
      <ConfigProvider locale={lang === 'en' ? enUS : zhCN} theme={{ token: { motion: !still } }} wave={{ disabled: still }}>
        {children}
      </ConfigProvider>
    </Context.Provider>
  );
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (value === undefined) throw new Error('useI18n outside I18nProvider');
  return value;
}

export function LanguageSwitch() {
  const { lang, setLang } = useI18n();
  return <Segmented size="small" value={lang} onChange={(next) => setLang(next as Language)} options={[{ value: 'zh-CN', label: '中文' }, { value: 'en', label: 'EN' }]} />;
}
