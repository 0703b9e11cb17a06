/**
 * Speech said before the first call: the greeting must reach a caller within a second of the
 * answer (FEATURES B1), and synthesising a sentence cold takes espeak-ng most of that. At start,
 * every text of every live flow that depends on nothing but the tenant is spoken once into the
 * speech cache, in the background. (Kefu's own phrases are short and come later in a call.)
 */
import type { Store, TenantRow } from '../store/index.js';
import { flowDocument, type FlowDocument, type Language } from './document.js';
import { renderTemplate } from './template.js';
import { templateVariables } from './validate.js';

export type Speak = (text: string, language: Language) => Promise<unknown>;

/** The texts of `document` that are the same on every call of `tenant`, with their languages. */
export function constantTexts(document: FlowDocument, tenant: TenantRow): { text: string; language: Language }[] {
  const known: Record<string, string> = { 'tenant.name': tenant.name, 'tenant.slug': tenant.slug };
  const found: { text: string; language: Language }[] = [];
  const add = (text: string, language: Language | undefined) => {
    if (templateVariables(text).every((name) => name in known)) found.push({ text: renderTemplate(text, known), language: language ?? document.language });
  };
  for (const node of Object.values(document.nodes)) {
    if (node.type === 'say') add(node.text, node.language);
    if ('prompt' in node && 'text' in node.prompt) add(node.prompt.text, node.prompt.language);
    if (node.type === 'survey') for (const q of node.questions) if ('text' in q.prompt) add(q.prompt.text, q.prompt.language);
  }
  return found;
}

/** Speaks every constant text of every tenant's live flows; returns how many. */
export async function warmSpeech(store: Store, speak: Speak): Promise<number> {
  let spoken = 0;
  const say = async (text: string, language: Language) => {
    await speak(text, language);
    spoken++;
  };
  for (let offset = 0; ; offset += 100) {
    const tenants = await store.repos.tenants.list({}, { limit: 100, offset });
    for (const tenant of tenants.items) {
      for (const name of await store.repos.flows.names(tenant.id)) {
        const live = await store.repos.flows.live(tenant.id, name);
        const parsed = live === undefined ? undefined : flowDocument.safeParse(live.document);
        if (parsed?.success === true) for (const { text, language } of constantTexts(parsed.data, tenant)) await say(text, language);
      }
    }
    if (offset + 100 >= tenants.total) break;
  }
  return spoken;
}
