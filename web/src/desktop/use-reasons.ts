/** The tenant's not-ready reasons (GET /not-ready-reasons: its own list, or the built-in one), named in the page's language. */
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';

interface NotReadyReason {
  code: string;
  name: string;
  nameEn: string;
}

export interface Reasons {
  /** The reasons an agent may choose, in the tenant's order. */
  choices: { code: string; label: string }[];
  /** The name of any reason code, routing's own `missed` among them. */
  label(code: string): string;
}

export function useNotReadyReasons(): Reasons {
  const { lang, t } = useI18n();
  const [items, setItems] = useState<NotReadyReason[]>([]);
  useEffect(() => {
    api<{ items: NotReadyReason[] }>('GET', '/not-ready-reasons').then(
      (page) => setItems(page.items),
      () => undefined,
    );
  }, []);
  const name = (reason: NotReadyReason) => (lang === 'en' ? reason.nameEn : reason.name);
  return {
    choices: items.map((reason) => ({ code: reason.code, label: name(reason) })),
    label: (code) => {
      const reason = items.find((item) => item.code === code);
      return reason === undefined ? t(`reason.${code}` as MessageKey, code) : name(reason);
    },
  };
}
